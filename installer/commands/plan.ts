import { accessSync, constants, existsSync } from 'node:fs';
import { planJson, planText } from '../../src/plan/render.ts';
import { planChanges, type PlanChanges } from '../../src/plan/changes.ts';
import type { Plan } from '../../src/plan/model.ts';
import { readJournal } from '../../src/state/journal.ts';
import { statePaths } from '../../src/state/paths.ts';
import { readState } from '../../src/state/store.ts';
import { currentLanguage, t } from '../../src/i18n/translate.ts';
import { translatedStepTitle } from '../../src/i18n/installer-catalog.ts';
import { loadInputs } from '../load-inputs.ts';
import { changesJson, changesText } from './day-two-output.ts';

export interface PlanOptions {
  site: string;
  runbook?: string;
  json?: boolean;
  verbose?: boolean;
  out?: (text: string) => void;
}

export function run(options: PlanOptions): number {
  const out = options.out ?? ((text: string) => void process.stdout.write(text));
  const { plan } = loadInputs(options);
  const changes = againstJournal(plan);
  if (options.json) {
    // JSON is for programs: titles stay as the runbook writes them.
    const json = typeof changes === 'string' ? {} : { changes: changesJson(changes, plan) };
    out(`${JSON.stringify({ ...planJson(plan), ...json })}\n`);
  } else {
    const lang = currentLanguage();
    out(`${planText(plan, options.verbose, (s) => translatedStepTitle(lang, s.id, s.title))}\n\n`);
    out(typeof changes === 'string' ? changes : changesText(changes, plan));
  }
  return 0;
}

/** What the next install changes where: the plan against this site's journal (root's to read). */
function againstJournal(plan: Plan): PlanChanges | string {
  const paths = statePaths(plan.siteFile);
  try {
    // Unreadable, the journal would look absent ("nothing has run yet"): say so instead.
    if (existsSync(paths.dir)) accessSync(paths.dir, constants.R_OK | constants.X_OK);
  } catch {
    return `${t('{dir} is readable by root only: run `runbook plan` as root to see what the next install changes.', { dir: paths.dir })}\n`;
  }
  return planChanges(plan, readJournal(paths.journal), readState(paths.state));
}
