// When may a failed step be skipped? Only when nothing later depends on it. The rule:
// never a preflight check (they guard everything after them), never a step another step
// `requires`, never a step that captures values (later steps read them). Everything else may
// be skipped for this run; the journal does not record it as done, so a later run tries again.
import type { Plan } from '../../src/plan/model.ts';
import { t } from '../../src/i18n/translate.ts';

export type SkipDecision = { allowed: true } | { allowed: false; reason: string };

export function canSkip(plan: Plan, id: string): SkipDecision {
  const step = plan.steps.find((s) => s.id === id);
  if (!step) return { allowed: false, reason: t('the step is not in the plan') };
  if (step.url.startsWith('/preflight/')) {
    return { allowed: false, reason: t('a preflight check guards every later step; fix the machine instead') };
  }
  const dependents = plan.steps.filter((s) => s.requires.includes(id)).map((s) => s.id);
  if (dependents.length > 0) {
    return { allowed: false, reason: t('{steps} require it', { steps: dependents.join(', ') }) };
  }
  if (Object.keys(step.capture).length > 0) {
    return { allowed: false, reason: t('later steps use the values it captures ({names})', { names: Object.keys(step.capture).join(', ') }) };
  }
  return { allowed: true };
}

/** The plan without the skipped (step, host) pairs, for the next run of this session. */
export function planWithout(plan: Plan, skipped: string[]): Plan {
  if (skipped.length === 0) return plan;
  const drop = new Set(skipped);
  return { ...plan, steps: plan.steps.map((s) => ({ ...s, hosts: s.hosts.filter((h) => !drop.has(`${s.id}@${h}`)) })) };
}
