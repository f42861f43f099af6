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
import { t } from '../../src/i18n/translate.ts';
import { runbookCommand } from '../../src/runbook-command.ts';
import { out as defaultOut, outJson } from '../output.ts';
import type { JournalEntry } from '../../src/state/journal.ts';
import { lastCheckedLines } from './day-two-output.ts';

/** The last run's result in the operator's language. */
const RESULTS = (): Record<string, string> => ({
  running: t('running'),
  completed: t('completed'),
  failed: t('failed'),
  interrupted: t('interrupted'),
});

export interface StatusOptions {
  site: string;
  runbook?: string;
  json?: boolean;
  plan?: Plan;
  out?: (text: string) => void;
}

type Cell = 'ok' | 'changed' | 'skipped' | 'failed' | 'blocked' | 'running' | 'pending';

/** `id@host` of the steps the live installer has started and not ended (its last run's). */
function startedNotEnded(entries: JournalEntry[], run: string | undefined): Set<string> {
  const open = new Set<string>();
  for (const e of entries) {
    if (e.t === 'step-start' && e.run === run) open.add(`${e.id}@${e.host}`);
    if (e.t === 'step-end' && e.run === run) open.delete(`${e.id}@${e.host}`);
  }
  return open;
}

export function run(options: StatusOptions): number {
  const out = options.out ?? (options.json ? outJson : defaultOut);
  const plan = options.plan ?? loadInputs({ site: options.site, runbook: options.runbook }).plan;
  const paths = statePaths(resolve(plan.siteFile));
  const entries = readJournal(paths.journal);
  const ends = lastEnds(entries);
  const running = runningInstaller(paths.lock);
  const runs = entries.filter((e) => e.t === 'run-start');
  const lastStart = runs.at(-1);
  const inFlight = running ? startedNotEnded(entries, lastStart?.run) : new Set<string>();
  const changes = planChanges(plan, entries, readState(paths.state));

  const rows = changes.decisions.map(({ id, host, reason: why }) => {
    const end = ends.get(`${id}@${host}`);
    // Done, but changed since or found drifted by a recheck: runs again on the next install.
    const stale = why.kind === 'changed' || why.kind === 'drifted';
    const status: Cell = inFlight.has(`${id}@${host}`) ? 'running' : (end?.status ?? 'pending');
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
    running: 0,
    pending: 0,
  };
  for (const r of rows) counts[r.status]++;
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
  const context = { site: options.site, runbook: options.runbook };
  if (!lastRun) {
    out(
      `${t('Site {name}: nothing has run yet (no journal at {journal}). Start with: {command}', { name: plan.siteName, journal: paths.journal, command: runbookCommand(['install'], context) })}\n`,
    );
    return 0;
  }
  const result = RESULTS()[lastRun.result] ?? lastRun.result;
  out(
    `${
      running
        ? t('Site {name}: last run {run} started {at}: {result} (PID {pid})', { name: plan.siteName, run: lastRun.run, at: lastRun.at, result, pid: running.pid })
        : t('Site {name}: last run {run} started {at}: {result}', { name: plan.siteName, run: lastRun.run, at: lastRun.at, result })
    }\n`,
  );
  const hosts = [...new Set(plan.steps.flatMap((s) => s.hosts))];
  const idWidth = Math.max(4, ...plan.steps.map((s) => s.id.length)) + 2;
  const col = Math.max(9, ...hosts.map((h) => h.length + 2));
  out(
    t('STEP').padEnd(idWidth) +
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
    out(`${t('* changed since it ran: runs again on the next install')}\n`);
  out(lastCheckedLines(machines, rows, changes.leftHosts));
  for (const r of rows.filter((x) => x.status === 'failed' || x.status === 'blocked')) {
    const values = { id: r.id, host: r.host, reason: r.reason ?? '' };
    out(`${r.status === 'failed' ? t('Failed: {id} on {host}: {reason}', values) : t('Blocked: {id} on {host}: {reason}', values)}\n`);
  }
  for (const r of rows.filter((x) => x.status === 'running')) {
    out(`${t('Running now: {id} on {host}', { id: r.id, host: r.host })}\n`);
  }
  if (running) {
    out(`${t('An installer (PID {pid}) is working on this site; run `{command}` again to follow it.', { pid: running.pid, command: runbookCommand(['status'], context) })}\n`);
  } else {
    out(
      `${toRun === 0 ? t('Everything is done.') : t('{n} step(s) left to run: {command}', { n: toRun, command: runbookCommand(['install'], context) })}\n`,
    );
  }
  return 0;
}
