// `runbook install --json` (and `runbook plan --json`) as a user runs it, on a lab's site file:
// the step-end and dry-run events and the summary, parsed. Shared by the lab's install,
// simulated-API, bridge-rollback and day-two tests.
import { execa } from 'execa';
import path from 'node:path';

const runbookCli = path.resolve('installer/bin/runbook.js');

export interface StepEnd {
  type: 'step-end';
  id: string;
  host: string;
  status: string;
  ms: number;
  reason?: string;
  simulated?: boolean;
  /** Under --recheck: what the recheck found (drifted: re-run). */
  recheck?: 'still-done' | 'drifted' | 'not-checkable';
  failure?: {
    command: string;
    exitCode?: number;
    message?: string;
    lastLines: string[];
    log: string;
  };
}

/** `install --dry-run`: what would run (under --recheck, with what the check found just now). */
export interface DryRun {
  type: 'dry-run';
  id: string;
  host: string;
  action: 'run' | 'skip';
  reason: string;
  recheck?: 'still-done' | 'drifted' | 'not-checkable';
}

export interface Summary {
  type: 'summary';
  ms: number;
  counts: Record<string, number>;
  result: string;
  simulatedSteps: number;
  blockedSteps: { id: string; host: string; reason: string }[];
  recheck?: { stillDone: number; drifted: number; notCheckable: number };
}

export interface InstallRun {
  code: number;
  ends: StepEnd[];
  dryRuns: DryRun[];
  summary?: Summary;
  stderr: string;
}

export async function runInstall(
  site: string,
  extraArgs: string[] = [],
  timeoutMs = 240 * 60_000,
): Promise<InstallRun> {
  const result = await execa(
    process.execPath,
    [runbookCli, 'install', '--site', site, '--yes', '--json', ...extraArgs],
    { reject: false, timeout: timeoutMs, env: { NO_COLOR: '1' } },
  );
  const ends: StepEnd[] = [];
  const dryRuns: DryRun[] = [];
  let summary: Summary | undefined;
  for (const line of String(result.stdout).split('\n')) {
    if (!line.startsWith('{')) continue;
    const event = JSON.parse(line) as { type: string };
    if (event.type === 'step-end') ends.push(event as StepEnd);
    if (event.type === 'dry-run') dryRuns.push(event as DryRun);
    if (event.type === 'summary') summary = event as Summary;
  }
  return { code: result.exitCode ?? -1, ends, dryRuns, summary, stderr: String(result.stderr) };
}

export async function runVerify(site: string): Promise<{ code: number; text: string }> {
  const result = await execa(process.execPath, [runbookCli, 'verify', '--site', site], {
    reject: false,
    timeout: 10 * 60_000,
    env: { NO_COLOR: '1' },
  });
  return { code: result.exitCode ?? -1, text: `${result.stdout}\n${result.stderr}` };
}

/** One task of `runbook plan --json`'s changes: whether the next install runs it, and why. */
export interface PlannedTask {
  id: string;
  host: string;
  action: 'run' | 'skip';
  why: string;
  reason: string;
}

/** `runbook plan --json` against the site's journal: what the next install runs where. */
export async function runPlan(site: string): Promise<PlannedTask[]> {
  const result = await execa(process.execPath, [runbookCli, 'plan', '--site', site, '--json'], {
    timeout: 5 * 60_000,
    env: { NO_COLOR: '1' },
  });
  const plan = JSON.parse(String(result.stdout)) as { changes?: { tasks: PlannedTask[] } };
  if (!plan.changes) throw new Error(`runbook plan --json printed no changes for ${site}`);
  return plan.changes.tasks;
}
