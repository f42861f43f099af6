// What a run will change where, against the journal: for each step on each host, whether it
// runs and why. The executor decides every task with `decideTask`, and `runbook plan` shows the
// same decisions beforehand, so the plan and the install cannot disagree.
//
// The rule for a step that ran before and has changed since: a changed site value the step's
// check does not look at cannot be seen by that check (the host-name check knows nothing of the
// machine list), so the step runs without asking it. A change to the runbook's text, or to values
// the check does look at, is left to the check, as on a first run: checks guard the steps that
// must not run twice (creating the databases).
import { API_HOST, type Plan, type PlannedStep } from './model.ts';
import {
  inputChange,
  mentionedNames,
  stepFingerprint,
  type InputChange,
  type StepInputs,
} from './fingerprint.ts';
import type { Action } from '../runbook/model.ts';
import { lastChecks, lastEnds, type JournalEntry, type StepCheck } from '../state/journal.ts';
import { stepEnvironment, type RunValues } from '../executor/variables.ts';

type StepEnd = Extract<JournalEntry, { t: 'step-end' }>;

export type ChangeReason =
  | { kind: 'done' }
  | { kind: 'forced' }
  | { kind: 'new-host' }
  | { kind: 'not-run' }
  | { kind: 'again'; status: string }
  | { kind: 'drifted'; at: string; detail?: string }
  /** `change` is absent when the journal predates step parts (it only knows the hash differs). */
  | { kind: 'changed'; change?: InputChange; checkSees: boolean };

export interface TaskDecision {
  id: string;
  host: string;
  run: boolean;
  /** Ask the step's check before its actions (false: it cannot see the change, or it failed). */
  askCheck: boolean;
  reason: ChangeReason;
  hash: string;
  inputs: StepInputs;
}

export interface DecideInput {
  step: PlannedStep;
  host: string;
  env: Record<string, string>;
  secretNames: Set<string>;
  last?: StepEnd;
  lastCheck?: StepCheck;
  /** Named by --from/--only: runs even when done. */
  forced?: boolean;
  /** The host has no step at all in the journal. */
  newHost?: boolean;
}

const DONE = ['ok', 'changed', 'skipped'];

export function decideTask(input: DecideInput): TaskDecision {
  const { step, host, last, lastCheck } = input;
  const { hash, inputs } = stepFingerprint(step, input.env, input.secretNames);
  const decision = (run: boolean, reason: ChangeReason, askCheck = true): TaskDecision => ({
    id: step.id,
    host,
    run,
    askCheck,
    reason,
    hash,
    inputs,
  });
  if (input.forced) return decision(true, { kind: 'forced' });
  if (!last) return decision(true, { kind: input.newHost ? 'new-host' : 'not-run' });
  if (!DONE.includes(last.status)) return decision(true, { kind: 'again', status: last.status });
  if (last.hash === hash) {
    // A recheck that found this very step drifted (and did not heal it: --dry-run) counts.
    if (lastCheck?.result === 'drifted' && lastCheck.hash === hash && lastCheck.at >= last.at)
      return decision(true, { kind: 'drifted', at: lastCheck.at, detail: lastCheck.reason }, false);
    return decision(false, { kind: 'done' });
  }
  if (!last.inputs) return decision(true, { kind: 'changed', checkSees: true });
  const change = inputChange(last.inputs, inputs);
  const checked = new Set(step.check ? mentionedNames(step.check, input.env) : []);
  const checkSees = step.check !== undefined && change.vars.every((v) => checked.has(v));
  return decision(true, { kind: 'changed', change, checkSees }, checkSees);
}

/**
 * An api call as a reader recognises it (`add host hypervisor=KVM url=http://172.16.10.4`):
 * ids and values still naming a variable are left out, so no secret can show.
 */
function callSummary(action: Action): string {
  if (action.kind !== 'api') return action.kind;
  const shown = Object.entries(action.params).filter(
    ([k, v]) => v !== '' && !/id$/i.test(k) && !v.includes('$'),
  );
  return [action.command, ...shown.map(([k, v]) => `${k}=${v}`)].join(' ');
}

/** One line for people: why a task runs or is skipped. */
export function describeReason(reason: ChangeReason, step?: PlannedStep): string {
  switch (reason.kind) {
    case 'done':
      return 'done in an earlier run';
    case 'forced':
      return 'named with --from/--only';
    case 'new-host':
      return 'new machine';
    case 'not-run':
      return 'not run yet';
    case 'again':
      return `ended ${reason.status} last time`;
    case 'drifted':
      return `drifted (found by the recheck of ${reason.at}${reason.detail ? `: ${reason.detail}` : ''})`;
    case 'changed': {
      const c = reason.change;
      if (!c) return 'changed since it last ran';
      const parts: string[] = [];
      if (c.vars.length > 0)
        parts.push(
          `${c.vars.join(', ')} changed${step?.check !== undefined && !reason.checkSees ? ', which its check does not look at' : ''}`,
        );
      const added = c.addedActions.map((i) => step?.actions[i]).filter((a) => a !== undefined);
      if (added.length > 0)
        parts.push(
          step?.on === 'api'
            ? `${added.length} call(s) added: ${added.map(callSummary).join('; ')}`
            : `${added.length} action(s) new or changed`,
        );
      if (c.removedActions > 0 && added.length === 0)
        parts.push(
          step?.on === 'api'
            ? `${c.removedActions} call(s) fewer (nothing is removed from CloudStack)`
            : `${c.removedActions} action(s) fewer`,
        );
      if (c.check) parts.push('its check changed');
      if (c.verify) parts.push('its verify changed');
      return parts.length > 0 ? parts.join('; ') : 'changed since it last ran';
    }
  }
}

/** The journal read once for deciding tasks: last ends, last rechecks, the hosts it knows. */
export class JournalDecisions {
  private readonly ends: Map<string, StepEnd>;
  private readonly checks: Map<string, StepCheck>;
  /** Hosts with at least one step in the journal. */
  readonly known: Set<string>;
  private readonly secretNames: Set<string>;

  constructor(entries: JournalEntry[], secretNames: Iterable<string>) {
    this.ends = lastEnds(entries);
    this.checks = lastChecks(entries);
    this.known = new Set(entries.flatMap((e) => (e.t === 'step-end' ? [e.host] : [])));
    this.secretNames = new Set(secretNames);
  }

  get empty(): boolean {
    return this.ends.size === 0;
  }

  last(step: PlannedStep, host: string): StepEnd | undefined {
    return this.ends.get(`${step.id}@${host}`);
  }

  decide(
    step: PlannedStep,
    host: string,
    env: Record<string, string>,
    forced = false,
  ): TaskDecision {
    const key = `${step.id}@${host}`;
    return decideTask({
      step,
      host,
      env,
      secretNames: this.secretNames,
      last: this.ends.get(key),
      lastCheck: this.checks.get(key),
      forced,
      newHost: this.known.size > 0 && !this.known.has(host),
    });
  }

  /** Machines with steps in the journal that the site file no longer names. */
  leftHosts(plan: Plan): string[] {
    const names = new Set([...plan.machines.map((m) => m.name), API_HOST]);
    return [...this.known].filter((h) => !names.has(h)).sort();
  }
}

export interface PlanChanges {
  /** A journal exists: there is something to compare with. */
  journaled: boolean;
  decisions: TaskDecision[];
  /** Machines the journal knows that the site file no longer names. */
  leftHosts: string[];
}

/** Every task of the plan decided against the journal, as the next `runbook install` would. */
export function planChanges(plan: Plan, entries: JournalEntry[], values: RunValues): PlanChanges {
  const journal = new JournalDecisions(entries, plan.secrets);
  const decisions = plan.steps.flatMap((step) =>
    step.hosts.map((host) =>
      journal.decide(
        step,
        host,
        stepEnvironment(
          plan,
          values,
          plan.machines.find((m) => m.name === host),
        ),
      ),
    ),
  );
  return { journaled: !journal.empty, decisions, leftHosts: journal.leftHosts(plan) };
}
