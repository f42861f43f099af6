// `runbook preflight`: the runbook's preflight chapter on every machine, as a pass/warn/fail
// table with the fix for each failure. The checks change nothing.
import { runPreflight } from '../wizard/preflight-run.ts';
import type { PreflightRow } from '../wizard/services.ts';
import { loadInputs } from '../load-inputs.ts';
import { t } from '../../src/i18n/translate.ts';

export interface PreflightOptions {
  site: string;
  runbook?: string;
  yes?: boolean;
  json?: boolean;
}

export async function run(options: PreflightOptions): Promise<number> {
  const { plan } = loadInputs(options);
  const confirm = async (host: string, fingerprint: string) => {
    if (options.yes) return true;
    throw new Error(t('{host} is not known yet (host key {fingerprint}). Check the fingerprint on that machine, then run again with --yes to accept it', { host, fingerprint }));
  };
  const rows = await runPreflight(plan, () => undefined, confirm);
  if (options.json) {
    for (const row of rows) process.stdout.write(`${JSON.stringify({ type: 'preflight', ...row })}\n`);
  } else {
    process.stdout.write(table(rows));
  }
  return rows.some((r) => r.status === 'fail') ? 1 : 0;
}

function table(rows: PreflightRow[]): string {
  const lines = rows.map((r) => {
    const mark = r.status === 'pass' ? 'PASS' : r.status === 'warn' ? 'WARN' : 'FAIL';
    const detail = r.message ? `  ${r.message}` : '';
    const fix = r.fix ? `\n        ${t('fix')}: ${r.fix}` : '';
    return `  ${mark}  ${r.host.padEnd(18)} ${r.title}${detail}${fix}`;
  });
  const failed = rows.filter((r) => r.status === 'fail').length;
  const summary = failed ? t('{n} check(s) failed: fix them before installing.', { n: failed }) : t('All checks passed.');
  return `${lines.join('\n')}\n\n${summary}\n`;
}
