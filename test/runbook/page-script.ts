// Runs a script exactly as a page states it, without touching this machine: the bundled
// runbook is planned for a site, the step's action is taken from the plan with the host's
// variables, and the script runs under `bash -euo pipefail` in a private mount namespace whose
// system folders (/etc, /usr/share, ...) are overlays on temporary directories. What the
// script writes there lands in the temporary upper directory; the real folders stay untouched.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostVariables } from '../../src/executor/variables.ts';
import { buildPlan } from '../../src/plan/build.ts';
import type { Plan, PlannedStep } from '../../src/plan/model.ts';
import { loadRunbook } from '../../src/runbook/load.ts';
import { substitute } from '../../src/runbook/variable-refs.ts';
import { siteSchema } from '../../src/site-file/schema.ts';

let bundled: ReturnType<typeof loadRunbook> | undefined;

export function bundledPlan(site: unknown = {}): Plan {
  bundled ??= loadRunbook();
  if (bundled.problems.length) throw new Error(JSON.stringify(bundled.problems));
  return buildPlan(siteSchema.parse(site), bundled.runbook, '/nonexistent/site.yaml');
}

export function stepOf(plan: Plan, id: string): PlannedStep {
  const step = plan.steps.find((s) => s.id === id);
  if (!step) throw new Error(`the bundled runbook has no step ${id}`);
  return step;
}

/** What a step's programs see on `machineName`: the site's variables and the host's. */
export function environmentOn(plan: Plan, machineName: string): Record<string, string> {
  const machine = plan.machines.find((m) => m.name === machineName);
  if (!machine) throw new Error(`the plan has no machine ${machineName}`);
  return { ...plan.variables, ...hostVariables(plan, machine) };
}

/** The n-th `sh` block of a step, as written on the page. */
export function shBlock(step: PlannedStep, n = 0): string {
  const blocks = step.actions.flatMap((a) => (a.kind === 'sh' ? [a.script] : []));
  const block = blocks[n];
  if (block === undefined) throw new Error(`step ${step.id} has no sh block ${n}`);
  return block;
}

/** A file the step writes, with the host's values filled in as the executor fills them. */
export function fileContent(step: PlannedStep, path: string, env: Record<string, string>): string {
  const action = step.actions.find((a) => a.kind === 'file' && a.path === path);
  if (!action || action.kind !== 'file') throw new Error(`step ${step.id} writes no ${path}`);
  return substitute(action.content, env);
}

export interface OverlayRun {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Where the script's writes to `folder` landed: `upper('/etc')` + '/exports.d/...'. */
  upper: (folder: string) => string;
  cleanup: () => void;
}

/**
 * Run `script` as root with `folders` overlaid on fresh directories. `prepare` (a shell
 * snippet) runs first inside the namespace, after the overlays are mounted, to lay out
 * fixtures (for example a package's files under /usr/share).
 */
export function runOverlaid(
  script: string,
  env: Record<string, string>,
  folders: string[],
  prepare = '',
): OverlayRun {
  const base = mkdtempSync(join(tmpdir(), 'rb-page-script-'));
  const mounts = folders.map((folder, i) => {
    const upper = join(base, `upper${i}`);
    const work = join(base, `work${i}`);
    mkdirSync(upper);
    mkdirSync(work);
    return {
      folder,
      upper,
      command: `mount -t overlay overlay -o lowerdir=${folder},upperdir=${upper},workdir=${work} ${folder}`,
    };
  });
  const inner = [
    'set -e',
    ...mounts.map((m) => m.command),
    prepare,
    'exec bash -euo pipefail -c "$RB_SCRIPT"',
  ].join('\n');
  const result = spawnSync(
    'unshare',
    ['--mount', '--propagation', 'private', 'bash', '-c', inner],
    {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env, RB_SCRIPT: script },
      encoding: 'utf8',
      // Not a socket on stdin (Node's pipes are socketpairs): bash would read ~/.bashrc as if run by sshd.
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr + (result.error ? String(result.error) : ''),
    upper: (folder) => mounts.find((m) => m.folder === folder)!.upper,
    cleanup: () => rmSync(base, { recursive: true, force: true }),
  };
}
