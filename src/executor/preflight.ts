// The preflight chapter (docs page /preflight/): checks of the machines as they are now, which
// change nothing. Because what they check can change between runs (a port taken, a clock
// drifted, an archive gone), they run on every install and are never skipped as "done in an
// earlier run"; a pass is `ok`, never `changed`.
import type { PlannedStep } from '../plan/model.ts';

export function isPreflightStep(step: Pick<PlannedStep, 'url'>): boolean {
  return step.url.startsWith('/preflight/');
}
