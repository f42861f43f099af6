// What a step is on one host, as the journal remembers it: one content hash (equal hash = the
// same step with the same values, so a done step stays done) and, beside it, a digest of each
// part (check, verify, each action, each value it uses). The parts are what lets `runbook plan`
// say *why* a step runs again ("CLOUD_MACHINES changed", "1 call added") and lets the executor
// tell a change its check can see from one it cannot.
import { createHash } from 'node:crypto';
import type { PlannedStep } from './model.ts';

/** Digests (12 hex digits each) of the parts of a step as it last ran on a host. */
export interface StepInputs {
  check?: string;
  verify?: string;
  actions: string[];
  /** Non-secret variables the step mentions → digest of their value. */
  vars: Record<string, string>;
}

export interface StepFingerprint {
  hash: string;
  inputs: StepInputs;
}

const digest = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 12);

/** Names (known to `env`) that a text mentions as $NAME or ${NAME}. */
export function mentionedNames(text: string, env: Record<string, string>): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g))
    if (m[1] && m[1] in env) names.add(m[1]);
  return [...names].sort();
}

/**
 * The step as it would run on one host: its actions, check and verify, plus the values of the
 * non-secret variables it mentions. Secrets are generated once and never change, so leaving
 * them out keeps the journal free of anything derived from them.
 */
export function stepFingerprint(
  step: PlannedStep,
  env: Record<string, string>,
  secretNames: Set<string>,
): StepFingerprint {
  const actions = step.actions.map(({ source: _source, ...rest }) => rest);
  const body = { check: step.check ?? null, verify: step.verify ?? null, actions };
  const text = JSON.stringify(body);
  const vars: Record<string, string> = {};
  for (const name of mentionedNames(text, env)) if (!secretNames.has(name)) vars[name] = env[name]!;
  // The hash is computed exactly as before the parts existed, so older journals stay valid.
  const hash = createHash('sha256')
    .update(JSON.stringify({ body, vars }))
    .digest('hex')
    .slice(0, 32);
  return {
    hash,
    inputs: {
      ...(step.check !== undefined ? { check: digest(step.check) } : {}),
      ...(step.verify !== undefined ? { verify: digest(step.verify) } : {}),
      actions: actions.map((a) => digest(JSON.stringify(a))),
      vars: Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, digest(v)])),
    },
  };
}

/** What differs between the step as it last ran and as it would run now. */
export interface InputChange {
  /**
   * Variables used before and now whose value changed. A variable the step starts or stops using
   * comes with a change of its text, which the other fields say.
   */
  vars: string[];
  check: boolean;
  verify: boolean;
  /** Indexes (in the step's current actions) of actions that did not exist before. */
  addedActions: number[];
  /** How many of the earlier actions are gone. */
  removedActions: number;
}

export function inputChange(before: StepInputs, now: StepInputs): InputChange {
  const vars = Object.keys(now.vars)
    .filter((n) => n in before.vars && before.vars[n] !== now.vars[n])
    .sort();
  const earlier = new Set(before.actions);
  const current = new Set(now.actions);
  return {
    vars,
    check: before.check !== now.check,
    verify: before.verify !== now.verify,
    addedActions: now.actions.flatMap((a, i) => (earlier.has(a) ? [] : [i])),
    removedActions: before.actions.filter((a) => !current.has(a)).length,
  };
}
