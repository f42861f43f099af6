import { planJson, planText } from '../../src/plan/render.ts';
import { loadInputs } from '../load-inputs.ts';

export function run(options: { site: string; runbook?: string; json?: boolean; verbose?: boolean }): number {
  const { plan } = loadInputs(options);
  process.stdout.write(options.json ? `${JSON.stringify(planJson(plan))}\n` : `${planText(plan, options.verbose)}\n`);
  return 0;
}
