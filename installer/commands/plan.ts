import { planJson, planText } from '../../src/plan/render.ts';
import { currentLanguage } from '../../src/i18n/translate.ts';
import { translatedStepTitle } from '../../src/i18n/installer-catalog.ts';
import { loadInputs } from '../load-inputs.ts';

export function run(options: { site: string; runbook?: string; json?: boolean; verbose?: boolean }): number {
  const { plan } = loadInputs(options);
  if (options.json) {
    // JSON is for programs: titles stay as the runbook writes them.
    process.stdout.write(`${JSON.stringify(planJson(plan))}\n`);
  } else {
    const lang = currentLanguage();
    process.stdout.write(`${planText(plan, options.verbose, (s) => translatedStepTitle(lang, s.id, s.title))}\n`);
  }
  return 0;
}
