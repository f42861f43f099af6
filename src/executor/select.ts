// Which steps a run may start, checked before anything connects: `--from`/`--only` must name
// a step, and `requires` must name an earlier step (which is also what keeps the scheduler
// free of deadlocks: every step waits only on steps before it in document order).
import { InputError, type Problem } from '../diagnostics.ts';
import type { Plan, PlannedStep } from '../plan/model.ts';

export interface Selection {
  from?: string;
  only?: string;
}

export function checkPlanOrder(plan: Plan): void {
  const index = new Map(plan.steps.map((s, i) => [s.id, i]));
  const problems: Problem[] = [];
  plan.steps.forEach((step, i) => {
    for (const r of step.requires) {
      const at = index.get(r);
      const where = { file: step.source.file, line: step.source.line, field: step.id };
      if (at === undefined)
        problems.push({
          ...where,
          message: `requires "${r}", which is not a step of this runbook`,
          fix: 'Name an existing step id.',
        });
      else if (at >= i)
        problems.push({
          ...where,
          message: `requires "${r}", which comes later in the runbook`,
          fix: `Move "${r}" before "${step.id}" or drop the requirement.`,
        });
    }
  });
  if (problems.length > 0) throw new InputError(problems);
}

/** The predicate "does this run start step S"; throws when --from/--only names no step. */
export function selectSteps(plan: Plan, selection: Selection): (step: PlannedStep) => boolean {
  const ids = plan.steps.map((s) => s.id);
  for (const [option, id] of [
    ['--from', selection.from],
    ['--only', selection.only],
  ] as const) {
    if (id !== undefined && !ids.includes(id)) {
      throw new InputError([
        {
          file: plan.siteFile,
          line: 0,
          field: option,
          message: `no step has the id "${id}"`,
          fix: 'Use an id from `runbook plan`.',
        },
      ]);
    }
  }
  if (selection.only) return (s) => s.id === selection.only;
  if (selection.from) {
    const start = ids.indexOf(selection.from);
    return (s) => ids.indexOf(s.id) >= start;
  }
  return () => true;
}

/** The step the user named explicitly runs even when the journal says it is done. */
export function forcedStep(selection: Selection): string | undefined {
  return selection.only ?? selection.from;
}
