// Without a terminal there is nobody to answer questions: print what the wizard would show
// first (what will be built, the plan by chapter) as plain lines, and the commands to use.
import { formatProblem } from '../../src/diagnostics.ts';
import { t } from '../../src/i18n/translate.ts';
import { siteDiagram } from './diagram.ts';
import { planRows } from './screens/plan.ts';
import type { WizardServices } from './services.ts';

export async function plainSummary(options: { site: string; runbook?: string }, services: WizardServices, write: (text: string) => void): Promise<number> {
  const line = (text = '') => write(`${text}\n`);
  line(t('CloudStack Runbook: Apache CloudStack 4.22 on Debian 12 with KVM, NFS storage and an advanced zone.'));
  const text = services.readSiteText(options.site);
  if (text === undefined) {
    line(t('No site file at {file}: run `runbook init` to write one.', { file: options.site }));
    return 2;
  }
  const checked = await services.checkSiteText(text, options.site);
  if (!checked.site) {
    for (const p of checked.errors) line(formatProblem(p));
    return 2;
  }
  line();
  for (const l of siteDiagram(checked.site, Number(process.env.COLUMNS) || 80)) line(l);
  const built = await services.buildPlan(options);
  if (!built.plan) {
    for (const p of built.problems) line(formatProblem(p));
    return 2;
  }
  line();
  line(t('Plan: {steps} steps on {machines} machine(s).', { steps: built.plan.steps.length, machines: built.plan.machines.length }));
  for (const row of planRows(built.plan, {})) {
    const hosts = Object.entries(row.perHost).map(([host, n]) => `${host} ${n}`).join(', ');
    line(`  ${row.chapter}: ${t('{steps} steps', { steps: row.steps })} (${hosts})`);
  }
  line();
  line(t('This is not a terminal, so the wizard does not start. Use `runbook install --site {file}` (add --yes to accept host keys on first contact) or run `runbook` in a terminal.', { file: options.site }));
  return 0;
}
