// What a step sees: the environment of a host, `${VAR}` substitution for file actions, the
// content hash that decides whether a journaled step is still done, and the redactor that
// keeps secret values out of every log line, event and message.
import type { Machine, Plan, PlannedStep } from '../plan/model.ts';
import { stepFingerprint } from '../plan/fingerprint.ts';

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

/** The content hash that decides whether a journaled step is still done (see plan/fingerprint.ts). */
export function stepHash(
  step: PlannedStep,
  env: Record<string, string>,
  secretNames: Set<string>,
): string {
  return stepFingerprint(step, env, secretNames).hash;
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
