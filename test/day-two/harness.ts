// Shared by the day-two tests: the day-two test runbook on loopback sshd hosts with its API
// chapter against the CloudStack API simulator, and `runbook install` / `plan` / `status` run
// in-process as a user runs them, their JSON lines parsed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run as install } from '../../installer/commands/install.ts';
import { run as plan } from '../../installer/commands/plan.ts';
import { run as status } from '../../installer/commands/status.ts';
import { createApiRunner } from '../../src/cloudstack/executor-adapter.ts';
import type { Site } from '../executor/cluster.ts';
import { FAST } from '../cloudstack/harness.ts';

export const DAY_TWO_RUNBOOK = fileURLToPath(
  new URL('../fixtures/runbook-daytwo', import.meta.url),
);

/** Upstream's order of magnitude, scaled down so a test takes seconds (see test/simulator). */
export const SIMULATOR_DELAYS = { jobMs: 20, hostUpMs: 50, systemVmStartMs: 100, agentUpMs: 50 };

export type Event = Record<string, unknown> & { type: string; id?: string; host?: string };

export interface Run {
  code: number;
  events: Event[];
  text: string;
}

const lines = (text: string) =>
  text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Event);

export async function runInstall(site: Site, flags: string[] = [], json = true): Promise<Run> {
  const out: string[] = [];
  const code = await install({
    site: site.file,
    runbook: DAY_TWO_RUNBOOK,
    yes: true,
    json,
    dryRun: flags.includes('--dry-run'),
    recheck: flags.includes('--recheck'),
    out: (t) => out.push(t),
    err: (t) => out.push(t),
    apiRunner: createApiRunner({ timing: FAST }),
  });
  const text = out.join('');
  return { code, text, events: json ? lines(text) : [] };
}

/** `runbook plan` as text, or its JSON with the changes against the journal. */
export function runPlan(site: Site, json: boolean): string {
  let text = '';
  plan({ site: site.file, runbook: DAY_TWO_RUNBOOK, json, out: (t) => (text += t) });
  return text;
}

export interface PlannedTask {
  id: string;
  host: string;
  action: 'run' | 'skip';
  why: string;
  reason: string;
}

export function plannedTasks(site: Site): PlannedTask[] {
  return (JSON.parse(runPlan(site, true)) as { changes: { tasks: PlannedTask[] } }).changes.tasks;
}

export function runStatus(site: Site, json: boolean): string {
  let text = '';
  status({ site: site.file, runbook: DAY_TWO_RUNBOOK, json, out: (t) => (text += t) });
  return text;
}

export const ends = (run: Run) => run.events.filter((e) => e.type === 'step-end');
export const key = (e: { id?: string; host?: string }) => `${e.id}@${e.host}`;

/** Steps that actually started work: every end except "done in an earlier run". */
export const started = (run: Run) =>
  ends(run)
    .filter((e) => e.reason !== 'done in an earlier run')
    .map(key)
    .sort();

export function hostFile(site: Site, host: string, path: string): string {
  return readFileSync(join(site.root, host, path), 'utf8');
}
