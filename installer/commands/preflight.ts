// `runbook preflight`: the runbook's preflight chapter on every machine, as a pass/warn/fail
// table with the fix for each failure. The checks change nothing.
import { runPreflight } from '../wizard/preflight-run.ts';
import type { PreflightRow } from '../wizard/services.ts';
import { loadInputs } from '../load-inputs.ts';
import { t } from '../../src/i18n/translate.ts';
import { runbookCommand } from '../../src/runbook-command.ts';
import { firstContact } from '../host-keys.ts';
import { terminalAsk } from '../ask.ts';
import { err, out, outJson } from '../output.ts';

export interface PreflightOptions {
  site: string;
  runbook?: string;
  yes?: boolean;
  json?: boolean;
}

export async function run(options: PreflightOptions): Promise<number> {
  const { plan } = loadInputs(options);
  const again = runbookCommand(['preflight'], options);
  const rows = await runPreflight(plan, () => undefined, firstContact({ yes: options.yes, again, err, ask: terminalAsk() }));
  if (options.json) {
    for (const row of rows) outJson(`${JSON.stringify({ type: 'preflight', ...row })}\n`);
  } else {
    out(table(rows, runbookCommand(['install'], options)));
  }
  return rows.some((r) => r.status === 'fail') ? 1 : 0;
}

const MARKS = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', running: '....' } as const;

function table(rows: PreflightRow[], install: string): string {
  const lines = rows.map((r) => {
    const detail = r.message ? `  ${r.message}` : '';
    const fix = r.fix ? `\n        ${t('fix')}: ${r.fix}` : '';
    return `  ${MARKS[r.status]}  ${r.host.padEnd(18)} ${r.title}${detail}${fix}`;
  });
  const failed = rows.filter((r) => r.status === 'fail').length;
  const warned = rows.filter((r) => r.status === 'warn').length;
  const summary = failed
    ? t('{n} check(s) failed: fix them before installing.', { n: failed })
    : warned
      ? t('No check failed; {n} warned (WARN above): read them, then install with: {command}', { n: warned, command: install })
      : t('All checks passed. Install with: {command}', { command: install });
  return `${lines.join('\n')}\n\n${summary}\n`;
}
