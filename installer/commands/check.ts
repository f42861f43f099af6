import { formatProblem } from '../../src/diagnostics.ts';
import { loadInputs } from '../load-inputs.ts';

export function run(options: { site: string; runbook?: string }): number {
  const { site, runbook, plan } = loadInputs(options);
  for (const w of site.warnings) process.stderr.write(`warning: ${formatProblem(w)}\n`);
  const steps = runbook.chapters.reduce((n, c) => n + c.steps.length, 0);
  process.stdout.write(
    `ok: ${options.site}: site "${site.site.name}", ${plan.machines.length} machine${plan.machines.length === 1 ? '' : 's'}` +
      `; runbook: ${runbook.chapters.length} chapters, ${steps} steps, no problems\n`,
  );
  return 0;
}
