// How day-two findings read on a terminal: what a run will change where (`runbook plan`), what
// `install --recheck` found per step, and machines that left the site file.
import { describeReason, type PlanChanges, type TaskDecision } from '../../src/plan/changes.ts';
import type { Plan } from '../../src/plan/model.ts';
import type { ExecutorEvent } from '../../src/executor/events.ts';
import { docsUrl } from '../../src/executor/docs-url.ts';
import { t } from '../../src/i18n/translate.ts';
import type { HostCheck } from '../../src/state/journal.ts';

type StepEnd = Extract<ExecutorEvent, { type: 'step-end' }>;
type DryRun = Extract<ExecutorEvent, { type: 'dry-run' }>;
type Summary = Extract<ExecutorEvent, { type: 'summary' }>;

/** Where the docs explain taking a host out of the cloud. */
export const REMOVE_HOST_DOCS = '/day-two/#remove-a-kvm-host';

/** The words for a recheck finding, padded like the install's status column. */
function finding(result: NonNullable<StepEnd['recheck']>): string {
  switch (result) {
    case 'still-done':
      return t('still done');
    case 'drifted':
      return t('drifted');
    case 'not-checkable':
      return t('unchecked');
  }
}

/** The line for a step-end or dry-run event of a recheck; undefined for any other event. */
export function recheckLine(event: StepEnd | DryRun, tag: string): string | undefined {
  if (!event.recheck) return undefined;
  if (event.type === 'dry-run')
    return `${tag} ${finding(event.recheck).padEnd(10)} ${event.id} (${event.reason})\n`;
  if (event.recheck !== 'drifted')
    return `${tag} ${finding(event.recheck).padEnd(10)} ${event.id} (${event.reason ?? ''})\n`;
  const healed =
    event.status === 'failed'
      ? t('re-run, failed')
      : t('re-run: {status}', { status: event.status });
  return `${tag} ${finding('drifted').padEnd(10)} ${event.id}: ${event.drift ?? ''}; ${healed}\n`;
}

export function recheckSummary(summary: Summary, dryRun: boolean): string {
  const r = summary.recheck;
  if (!r) return '';
  const counts = t(
    'Recheck: {still} still done, {drifted} drifted, {unchecked} could not be rechecked.',
    {
      still: r.stillDone,
      drifted: r.drifted,
      unchecked: r.notCheckable,
    },
  );
  const next =
    dryRun && r.drifted > 0
      ? ` ${t('Nothing was changed; `runbook install --recheck` re-runs the drifted steps.')}`
      : '';
  return `${counts}${next}\n`;
}

/** What is left for the operator when machines left the site file. */
export function leftHostsNotice(hosts: string[]): string {
  if (hosts.length === 0) return '';
  return (
    t(
      '{hosts}: in the journal but no longer in the site file. Nothing is removed from these machines or from CloudStack; to take a host out of the cloud, put it into maintenance mode and remove it in CloudStack (see {url}).',
      { hosts: hosts.join(', '), url: docsUrl(REMOVE_HOST_DOCS) },
    ) + '\n'
  );
}

const reasonText = (d: TaskDecision, plan: Plan) =>
  describeReason(
    d.reason,
    plan.steps.find((s) => s.id === d.id),
  );

/** `runbook plan`: which steps the next install runs where, and why, against the journal. */
export function changesText(changes: PlanChanges, plan: Plan): string {
  if (!changes.journaled) return `${t('Nothing has run for this site yet: every step runs.')}\n`;
  const out = [t('Against the journal, the next `runbook install`:')];
  const runs = changes.decisions.filter((d) => d.run);
  const hosts = [...new Set(changes.decisions.map((d) => d.host))];
  const width = Math.max(...hosts.map((h) => h.length)) + 2;
  // A new machine's steps are not listed one by one: only the listed ids set the column.
  const listed = runs.filter((d) => d.reason.kind !== 'new-host');
  const idWidth = Math.max(...listed.map((d) => d.id.length), 4) + 2;
  for (const host of hosts) {
    const mine = runs.filter((d) => d.host === host);
    if (mine.length === 0) continue;
    if (mine.every((d) => d.reason.kind === 'new-host')) {
      out.push(
        `  ${host.padEnd(width)}${t('new machine: runs all {n} of its steps', { n: mine.length })}`,
      );
      continue;
    }
    out.push(`  ${host.padEnd(width)}${t('runs {n} step(s):', { n: mine.length })}`);
    for (const d of mine)
      out.push(`  ${' '.repeat(width)}  ${d.id.padEnd(idWidth)}${reasonText(d, plan)}`);
  }
  const skipped = changes.decisions.length - runs.length;
  out.push(
    runs.length === 0
      ? `  ${t('runs nothing: all {n} steps are done and unchanged.', { n: skipped })}`
      : `  ${t('skips {n} step(s): done and unchanged.', { n: skipped })}`,
  );
  const notice = leftHostsNotice(changes.leftHosts);
  if (notice) out.push('', notice.trimEnd());
  return out.join('\n') + '\n';
}

/** `runbook plan --json`: the same decisions for programs. */
export function changesJson(changes: PlanChanges, plan: Plan) {
  return {
    journaled: changes.journaled,
    leftHosts: changes.leftHosts,
    tasks: changes.decisions.map((d) => ({
      id: d.id,
      host: d.host,
      action: d.run ? 'run' : 'skip',
      why: d.reason.kind,
      reason: reasonText(d, plan),
    })),
  };
}

/** `runbook status`: when `install --recheck` last looked at each machine, and what it found. */
export function lastCheckedLines(
  machines: { name: string; lastChecked?: HostCheck }[],
  rows: { drifted: boolean }[],
  leftHosts: string[],
): string {
  const width = Math.max(...machines.map((m) => m.name.length)) + 2;
  const out = [t('Last checked for drift (`runbook install --recheck`):')];
  for (const m of machines) {
    const c = m.lastChecked;
    out.push(
      `  ${m.name.padEnd(width)}${
        c
          ? t('{at}: {still} still done, {drifted} drifted, {unchecked} could not be rechecked', {
              at: c.at,
              still: c.counts['still-done'],
              drifted: c.counts.drifted,
              unchecked: c.counts['not-checkable'],
            })
          : t('never')
      }`,
    );
  }
  if (rows.some((r) => r.drifted))
    out.push(
      t('! drifted (found by a recheck that changed nothing): runs again on the next install'),
    );
  return out.join('\n') + '\n' + leftHostsNotice(leftHosts);
}
