// Site + runbook → plan, with every problem of both reported together (exit code 2).
import { InputError, type Problem } from '../src/diagnostics.ts';
import { loadSite, parseSiteText, type LoadedSite } from '../src/site-file/load.ts';
import { loadRunbook } from '../src/runbook/load.ts';
import { validateRunbook } from '../src/runbook/validate.ts';
import { knownVariableNames } from '../src/site-file/variables.ts';
import { buildPlan } from '../src/plan/build.ts';
import type { Plan } from '../src/plan/model.ts';
import type { Runbook } from '../src/runbook/model.ts';

export interface Inputs {
  site: LoadedSite;
  runbook: Runbook;
  plan: Plan;
}

/** `siteText`, when given, stands for the site file's content (the wizard's preview writes nothing). */
export function loadInputs(options: { site: string; runbook?: string; siteText?: string }): Inputs {
  const problems: Problem[] = [];
  let site: LoadedSite | undefined;
  try {
    site = options.siteText === undefined ? loadSite(options.site) : parseSiteText(options.siteText, options.site);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    problems.push(...error.problems);
  }
  const loaded = loadRunbook(options.runbook);
  problems.push(...loaded.problems, ...validateRunbook(loaded.runbook, knownVariableNames()));
  if (problems.length > 0 || !site) throw new InputError(problems);
  return { site, runbook: loaded.runbook, plan: buildPlan(site.site, loaded.runbook, options.site) };
}
