// What the tests expect on the site, taken from the engine: the parser's chapters and steps,
// and the installer's plan (`runbook plan --json`) for the step ids.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { loadRunbook } from '../../../src/runbook/load.ts';
import type { Runbook, Step } from '../../../src/runbook/model.ts';

export function bundledRunbook(): Runbook {
  return loadRunbook().runbook;
}

export interface PlannedStepRef {
  id: string;
  /** Docs URL of the step, `/<slug>/#<id>`. */
  url: string;
  source: { file: string };
}

/** Step ids of the plan for the default site, as the CLI prints them. */
export async function plannedSteps(repository: string): Promise<PlannedStepRef[]> {
  const dir = mkdtempSync(join(tmpdir(), 'docs-plan-'));
  try {
    const site = join(dir, 'site.yaml');
    const cli = join(repository, 'installer/bin/runbook.js');
    await execa(process.execPath, [cli, 'init', '--site', site], { cwd: dir });
    const { stdout } = await execa(process.execPath, [cli, 'plan', '--site', site, '--json'], {
      cwd: dir,
    });
    const plan = stdout
      .split('\n')
      .filter((line) => line.trim().startsWith('{'))
      .map((line) => JSON.parse(line) as { type?: string; steps?: PlannedStepRef[] })
      .find((event) => Array.isArray(event.steps));
    if (!plan?.steps)
      throw new Error(`runbook plan --json printed no steps:\n${stdout.slice(0, 500)}`);
    return plan.steps;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Site path of a step's page: `/database/#database-install` → `/database/`. */
export function pageOf(step: Step): string {
  return step.url.split('#')[0]!;
}

/** The non-empty lines of every command a step runs, as shown to the reader. */
export function commandLines(step: Step): string[] {
  return step.actions
    .flatMap((a) =>
      (a.kind === 'sh' ? a.script : a.kind === 'file' ? a.content : a.text).split('\n'),
    )
    .map((line) => line.trim())
    .filter((line) => line !== '');
}
