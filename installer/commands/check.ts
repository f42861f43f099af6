// `runbook check [--site F] [--runbook DIR]`: the site file and the runbook, checked together;
// changes nothing. Problems exit 2 (run-command.ts); warnings are printed and do not fail.
import { formatProblem } from '../../src/diagnostics.ts';
import { t } from '../../src/i18n/translate.ts';
import { loadInputs } from '../load-inputs.ts';
import { err, out } from '../output.ts';

export function run(options: { site: string; runbook?: string }): number {
  const { site, runbook, plan } = loadInputs(options);
  for (const w of site.warnings) err(`${t('warning: {problem}', { problem: formatProblem(w) })}\n`);
  const steps = runbook.chapters.reduce((n, c) => n + c.steps.length, 0);
  const values = { file: options.site, name: site.site.name, machines: plan.machines.length, chapters: runbook.chapters.length, steps };
  out(
    `${
      plan.machines.length === 1
        ? t('ok: {file}: site "{name}", 1 machine; runbook: {chapters} chapters, {steps} steps, no problems', values)
        : t('ok: {file}: site "{name}", {machines} machines; runbook: {chapters} chapters, {steps} steps, no problems', values)
    }\n`,
  );
  return 0;
}
