// `runbook status [--site F] [--runbook DIR] [--json]`: what the journal says about each step on
// each host: done, failed, blocked, not run yet, or done but changed since (runs again), and when
// `install --recheck` last looked at each machine.
import { resolve } from 'node:path';
import { readJournal, lastEnds, lastHostChecks } from '../../src/state/journal.ts';
import { runningInstaller } from '../../src/state/lock.ts';
import { statePaths } from '../../src/state/paths.ts';
import { readState } from '../../src/state/store.ts';
import { planChanges } from '../../src/plan/changes.ts';
import type { Plan } from '../../src/plan/model.ts';
import { loadInputs } from '../load-inputs.ts';
import { lastCheckedLines } from './day-two-output.ts';

export interface StatusOptions {
  site: string;
  runbook?: string;
  json?: boolean;
  plan?: Plan;
  out?: (text: string) => void;
}

type Cell = 'ok' | 'changed' | 'skipped' | 'failed' | 'blocked' | 'pending';

export function run(options: StatusOptions): number {
  const out = options.out ?? ((t: string) => void process.stdout.write(t));
  const plan = options.plan ?? loadInputs({ site: options.site, runbook: options.runbook }).plan;
  const paths = statePaths(resolve(plan.siteFile));
  const entries = readJournal(paths.journal);
  const ends = lastEnds(entries);
  const running = runningInstaller(paths.lock);
  const changes = planChanges(plan, entries, readState(paths.state));

  const rows = changes.decisions.map(({ id, host, reason: why }) => {
    const end = ends.get(`${id}@${host}`);
    // Done, but changed since or found drifted by a recheck: runs again on the next install.
    const stale = why.kind === 'changed' || why.kind === 'drifted';
    const status: Cell = end?.status ?? 'pending';
    return {
      id,
      host,
      status,
      stale,
      drifted: why.kind === 'drifted',
      at: end?.at,
      reason: end?.reason,
    };
  });
  const checked = lastHostChecks(entries);
  const machines = plan.machines.map((m) => ({ name: m.name, lastChecked: checked.get(m.name) }));
  const counts: Record<Cell, number> = {
    ok: 0,
    changed: 0,
    skipped: 0,
    failed: 0,
    blocked: 0,
    pending: 0,
  };
  for (const r of rows) counts[r.status]++;
  const runs = entries.filter((e) => e.t === 'run-start');
  const lastStart = runs.at(-1);
  const lastEnd = entries.filter((e) => e.t === 'run-end').at(-1);
  const lastRun = lastStart
    ? {
        run: lastStart.run,
        at: lastStart.at,
        result: running
          ? 'running'
          : lastEnd && lastEnd.run === lastStart.run
            ? lastEnd.result
            : 'interrupted',
      }
    : undefined;
  const toRun = rows.filter(
    (r) => r.status === 'pending' || r.status === 'failed' || r.status === 'blocked' || r.stale,
  ).length;

  if (options.json) {
    out(
      JSON.stringify({
        type: 'status',
        site: plan.siteName,
        lastRun,
        running,
        counts,
        toRun,
        steps: rows,
        machines,
        leftHosts: changes.leftHosts,
      }) + '\n',
    );
    return 0;
  }
  if (!lastRun) {
    out(
      `Site ${plan.siteName}: nothing has run yet (no journal at ${paths.journal}). Start with: runbook install\n`,
    );
    return 0;
  }
  out(
    `Site ${plan.siteName}: last run ${lastRun.run} started ${lastRun.at}: ${lastRun.result}${running ? ` (PID ${running.pid})` : ''}\n`,
  );
  const hosts = [...new Set(plan.steps.flatMap((s) => s.hosts))];
  const idWidth = Math.max(4, ...plan.steps.map((s) => s.id.length)) + 2;
  const col = Math.max(9, ...hosts.map((h) => h.length + 2));
  out(
    'STEP'.padEnd(idWidth) +
      hosts
        .map((h) => h.padEnd(col))
        .join('')
        .trimEnd() +
      '\n',
  );
  for (const step of plan.steps) {
    const cells = hosts.map((h) => {
      const r = rows.find((x) => x.id === step.id && x.host === h);
      return (r ? `${r.status}${r.drifted ? '!' : r.stale ? '*' : ''}` : '-').padEnd(col);
    });
    out(step.id.padEnd(idWidth) + cells.join('').trimEnd() + '\n');
  }
  if (rows.some((r) => r.stale && !r.drifted))
    out('* changed since it ran: runs again on the next install\n');
  out(lastCheckedLines(machines, rows, changes.leftHosts));
  for (const r of rows.filter((x) => x.status === 'failed' || x.status === 'blocked')) {
    out(
      `${r.status === 'failed' ? 'Failed' : 'Blocked'}: ${r.id} on ${r.host}: ${r.reason ?? ''}\n`,
    );
  }
  out(
    toRun === 0
      ? 'Everything is done.\n'
      : `${toRun} step(s) left to run: runbook install --site ${options.site}${options.runbook ? ` --runbook ${options.runbook}` : ''}\n`,
  );
  return 0;
}
