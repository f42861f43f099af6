import { planJson, planText } from '../../src/plan/render.ts';
import { currentLanguage } from '../../src/i18n/translate.ts';
import { translatedStepTitle } from '../../src/i18n/installer-catalog.ts';
import { loadInputs } from '../load-inputs.ts';
import { out, outJson } from '../output.ts';

export function run(options: { site: string; runbook?: string; json?: boolean; verbose?: boolean }): number {
  const { plan } = loadInputs(options);
  if (options.json) {
    // JSON is for programs: titles stay as the runbook writes them (JSON escapes control bytes).
    outJson(`${JSON.stringify(planJson(plan))}\n`);
  } else {
    const lang = currentLanguage();
    out(`${planText(plan, options.verbose, (s) => translatedStepTitle(lang, s.id, s.title))}\n`);
  }
  return 0;
}
