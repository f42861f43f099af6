// Development entry until `runbook` (no command) opens the wizard:
// node installer/wizard/dev-entry.ts [--site FILE] [--runbook DIR]
import { parseArgs } from 'node:util';
import { runWizard } from './index.ts';

const { values } = parseArgs({ options: { site: { type: 'string', default: 'site.yaml' }, runbook: { type: 'string' } } });
process.exitCode = await runWizard({ site: values.site!, ...(values.runbook ? { runbook: values.runbook } : {}) });
