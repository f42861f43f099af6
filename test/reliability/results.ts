// What the reliability tests tried and how it went, written where `npm run reliability:report`
// reads it (test/.artifacts/reliability/*.json, one file per scenario, so parallel test
// files never write the same file). A scenario is recorded even when it fails: the report
// must show failures, not hide them.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const RESULTS_DIR = fileURLToPath(new URL('../.artifacts/reliability/', import.meta.url));

export interface Trial {
  /** The heading: interruptions, bad input, trust, what the runbook builds, concurrency. */
  area: string;
  scenario: string;
  /** What a pass means, in a few words. */
  expected: string;
  runs: number;
  passed: number;
  /** Free text for the report: a seed, notes, the first failure. */
  notes?: string;
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80);
}

export function recordTrial(trial: Trial): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  // Counts in a scenario's words (samples taken, files scanned) change from run to run; the
  // file name leaves them out, so a new run replaces its scenario's row instead of adding one.
  const stable = trial.scenario.replace(/\d+/g, 'n');
  const file = join(RESULTS_DIR, `${slug(trial.area)}--${slug(stable)}.json`);
  writeFileSync(file, JSON.stringify({ ...trial, at: new Date().toISOString() }, null, 2) + '\n');
}

/**
 * Count the runs of a scenario and record them whatever happens: `run(i)` throws on a failed
 * run; the first failure is kept in the notes and rethrown after recording.
 */
export async function trackTrials(
  trial: Omit<Trial, 'runs' | 'passed'>,
  runs: number,
  run: (i: number) => Promise<void>,
  lanes = 1,
  /** How many of the scenario's runs one call of `run` makes (several kills per site, say). */
  runsPerCall = 1,
): Promise<void> {
  let passed = 0;
  let attempted = 0;
  let firstError: unknown;
  const lane = async (l: number) => {
    for (let i = l; i < runs; i += lanes) {
      if (firstError) return;
      attempted++;
      try {
        await run(i);
        passed++;
      } catch (error) {
        firstError ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: lanes }, (_, l) => lane(l)));
  const failure = firstError ? `first failure: ${String((firstError as Error).message ?? firstError).split('\n')[0]}` : undefined;
  recordTrial({
    ...trial,
    runs: attempted * runsPerCall,
    passed: passed * runsPerCall,
    notes: [trial.notes, failure].filter(Boolean).join('; ') || undefined,
  });
  if (firstError) throw firstError;
}
