// Executor events folded into what the run screen draws: per (step, host) status, what each
// machine is doing now, counts per chapter and machine, and the tail of the output.
import type { ExecutorEvent, StepStatus } from '../../src/executor/events.ts';
import type { Plan } from '../../src/plan/model.ts';

export const TAIL_KEEP = 400;

export interface RunProgress {
  startedAt: number;
  /** `id@host` → status; 'running' while it runs. */
  status: Record<string, StepStatus | 'running'>;
  /** host → the step running there now. */
  current: Record<string, { id: string; title: string; since: number }>;
  /** host → what its running step waits for (a `step-progress` event), and since when. */
  waits: Record<string, { id: string; text: string; elapsedMs: number; at: number }>;
  /** The last output lines, newest last, each with its host. */
  tail: { host: string; id: string; line: string }[];
  total: number;
  finished: number;
  result?: 'completed' | 'failed' | 'interrupted';
}

export function emptyProgress(startedAt = 0): RunProgress {
  return { startedAt, status: {}, current: {}, waits: {}, tail: [], total: 0, finished: 0 };
}

export function applyEvent(progress: RunProgress, event: ExecutorEvent, plan?: Plan): RunProgress {
  switch (event.type) {
    case 'plan': {
      const total = event.steps.reduce((n, s) => n + s.hosts.length, 0);
      return { ...progress, total: plan ? taskCount(plan) : total };
    }
    case 'step-start':
      return {
        ...progress,
        status: { ...progress.status, [`${event.id}@${event.host}`]: 'running' },
        current: { ...progress.current, [event.host]: { id: event.id, title: event.title, since: Date.now() } },
        waits: without(progress.waits, event.host),
      };
    case 'step-progress':
      return { ...progress, waits: { ...progress.waits, [event.host]: { id: event.id, text: event.text, elapsedMs: event.elapsedMs, at: Date.now() } } };
    case 'step-output': {
      const tail = [...progress.tail, { host: event.host, id: event.id, line: event.line }];
      return { ...progress, tail: tail.length > TAIL_KEEP ? tail.slice(-TAIL_KEEP) : tail };
    }
    case 'step-end': {
      const current = { ...progress.current };
      if (current[event.host]?.id === event.id) delete current[event.host];
      return {
        ...progress,
        status: { ...progress.status, [`${event.id}@${event.host}`]: event.status },
        current,
        waits: progress.waits[event.host]?.id === event.id ? without(progress.waits, event.host) : progress.waits,
        finished: progress.finished + 1,
      };
    }
    case 'summary':
      return { ...progress, current: {}, waits: {}, result: event.result };
    default:
      return progress;
  }
}

function without<T>(record: Record<string, T>, key: string): Record<string, T> {
  if (!(key in record)) return record;
  const copy = { ...record };
  delete copy[key];
  return copy;
}

/** How long a wait has lasted now: what the event said, plus the time since it came. */
export function waitedMs(wait: { elapsedMs: number; at: number }, now = Date.now()): number {
  return wait.elapsedMs + Math.max(0, now - wait.at);
}

export function taskCount(plan: Plan): number {
  return plan.steps.reduce((n, s) => n + s.hosts.length, 0);
}

export interface GroupCount {
  name: string;
  done: number;
  total: number;
  failed: number;
  running: boolean;
}

const FINISHED: (StepStatus | 'running' | undefined)[] = ['ok', 'changed', 'skipped', 'failed', 'blocked'];

/** Done/total per chapter, in runbook order. */
export function chapterCounts(plan: Plan, progress: RunProgress): GroupCount[] {
  const groups = new Map<string, GroupCount>();
  for (const step of plan.steps) {
    const g = groups.get(step.chapter) ?? { name: step.chapter, done: 0, total: 0, failed: 0, running: false };
    for (const host of step.hosts) {
      const s = progress.status[`${step.id}@${host}`];
      g.total++;
      if (FINISHED.includes(s)) g.done++;
      if (s === 'failed' || s === 'blocked') g.failed++;
      if (s === 'running') g.running = true;
    }
    groups.set(step.chapter, g);
  }
  return [...groups.values()];
}

/** Done/total per machine (and the api pseudo-host), in plan order. */
export function machineCounts(plan: Plan, progress: RunProgress): GroupCount[] {
  const groups = new Map<string, GroupCount>();
  for (const step of plan.steps) {
    for (const host of step.hosts) {
      const g = groups.get(host) ?? { name: host, done: 0, total: 0, failed: 0, running: false };
      const s = progress.status[`${step.id}@${host}`];
      g.total++;
      if (FINISHED.includes(s)) g.done++;
      if (s === 'failed' || s === 'blocked') g.failed++;
      if (s === 'running') g.running = true;
      groups.set(host, g);
    }
  }
  return [...groups.values()];
}

export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const m = Math.floor(s / 60);
  const h = Math.floor(m / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m % 60)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}
