// The runbook's preflight chapter run through the executor, one step at a time on every
// machine at once, so that one machine's failure does not hide another's: the executor stops
// a run at its first failure, and the operator should see every check before fixing things.
import type { ExecutorEvent } from '../../src/executor/events.ts';
import type { Plan, PlannedStep } from '../../src/plan/model.ts';
import type { ConfirmHostKey, PreflightRow } from './services.ts';

/** The preflight chapter's steps: its pages live at `/preflight/`. */
export function preflightSteps(plan: Plan): PlannedStep[] {
  return plan.steps.filter((s) => s.url.startsWith('/preflight/'));
}

const FIX = /^fix:\s*/i;
const WARNING = /^warning:\s*/i;

/** A finished step on one host as a table row: the stderr `fix:` line is the fix. */
export function rowOf(step: PlannedStep, host: string, end: Extract<ExecutorEvent, { type: 'step-end' }>, stderr: string[]): PreflightRow {
  const base = { id: step.id, title: step.title, host };
  if (end.status === 'failed' || end.status === 'blocked') {
    const lines = end.failure?.lastLines.length ? end.failure.lastLines : stderr;
    const fix = lines.find((l) => FIX.test(l))?.replace(FIX, '');
    const said = lines.filter((l) => !FIX.test(l) && l.trim() !== '');
    const message = said.at(-1) ?? end.failure?.message ?? end.reason ?? end.status;
    return { ...base, status: 'fail', message, ...(fix ? { fix } : {}) };
  }
  const warning = stderr.find((l) => WARNING.test(l));
  return warning ? { ...base, status: 'warn', message: warning.replace(WARNING, '') } : { ...base, status: 'pass' };
}

export async function runPreflight(plan: Plan, onRow: (row: PreflightRow) => void, confirm: ConfirmHostKey): Promise<PreflightRow[]> {
  const { Executor } = await import('../../src/executor/executor.ts');
  const rows: PreflightRow[] = [];
  for (const step of preflightSteps(plan)) {
    const stderr = new Map<string, string[]>();
    for (const host of step.hosts) onRow({ id: step.id, title: step.title, host, status: 'running' });
    const executor = new Executor({
      plan,
      only: step.id,
      confirmHostKey: confirm,
      onEvent: (event) => {
        if (event.type === 'step-output' && event.stream === 'stderr') {
          stderr.set(event.host, [...(stderr.get(event.host) ?? []), event.line].slice(-40));
        }
        if (event.type === 'step-end' && event.id === step.id) {
          const row = rowOf(step, event.host, event, stderr.get(event.host) ?? []);
          rows.push(row);
          onRow(row);
        }
      },
    });
    await executor.run();
  }
  return rows;
}
