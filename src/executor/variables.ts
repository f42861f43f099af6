// What a step sees: the environment of a host, `${VAR}` substitution for file actions, the
// content hash that decides whether a journaled step is still done, and the redactor that
// keeps secret values out of every log line, event and message.
import { createHash } from 'node:crypto';
import type { Machine, Plan, PlannedStep } from '../plan/model.ts';

import { substitute } from '../runbook/variable-refs.ts';

export { substitute };

export interface RunValues {
  secrets: Record<string, string>;
  captured: Record<string, string>;
}

export function hostVariables(plan: Plan, machine: Machine): Record<string, string> {
  const domain = plan.variables.DOMAIN;
  return {
    HOST_IP: machine.address,
    HOST_NAME: machine.name,
    HOST_ROLE: machine.role,
    HOST_FQDN: domain && !machine.name.includes('.') ? `${machine.name}.${domain}` : machine.name,
  };
}

/** Everything a step's programs see in their environment on `machine` (or the api pseudo-host). */
export function stepEnvironment(
  plan: Plan,
  values: RunValues,
  machine?: Machine,
): Record<string, string> {
  return {
    DEBIAN_FRONTEND: 'noninteractive',
    ...plan.variables,
    ...values.captured,
    ...values.secrets,
    ...(machine ? hostVariables(plan, machine) : {}),
  };
}


/** Names (known to `env`) that a step's text mentions as $NAME or ${NAME}. */
function mentionedNames(text: string, env: Record<string, string>): string[] {
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
export function stepHash(
  step: PlannedStep,
  env: Record<string, string>,
  secretNames: Set<string>,
): string {
  const body = {
    check: step.check ?? null,
    verify: step.verify ?? null,
    actions: step.actions.map(({ source: _source, ...rest }) => rest),
  };
  const text = JSON.stringify(body);
  const vars: Record<string, string> = {};
  for (const name of mentionedNames(text, env)) if (!secretNames.has(name)) vars[name] = env[name]!;
  return createHash('sha256').update(JSON.stringify({ body, vars })).digest('hex').slice(0, 32);
}

const SENSITIVE_NAME = /(PASSWORD|SECRET|KEY|TOKEN)/;

/** Replaces every secret value (and captured credentials) with `<secret>`. */
export class Redactor {
  private values: string[] = [];

  constructor(values: RunValues) {
    this.update(values);
  }

  update(values: RunValues): void {
    const found = new Set<string>();
    for (const v of Object.values(values.secrets)) if (v.length >= 4) found.add(v);
    for (const [k, v] of Object.entries(values.captured))
      if (SENSITIVE_NAME.test(k) && v.length >= 4) found.add(v);
    this.values = [...found].sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    let out = text;
    for (const v of this.values) if (out.includes(v)) out = out.replaceAll(v, '<secret>');
    return out;
  }
}
