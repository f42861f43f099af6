// `runbook export --format bash|ansible --out DIR`: the plan as shell scripts per role, or as
// an Ansible inventory + playbook. Secrets are the site's (generated once into the state file
// if this is the first thing run), and go only into a 0600 secrets file, never a script.
import { InputError } from '../../src/diagnostics.ts';
import { ansibleExport } from '../../src/export/ansible.ts';
import { bashExport } from '../../src/export/bash.ts';
import { writeExport } from '../../src/export/out-dir.ts';
import { EXPORT_FORMATS, type ExportFormat } from '../../src/export/shared.ts';
import { allSteps } from '../../src/runbook/model.ts';
import { ensureStateDir, statePaths } from '../../src/state/paths.ts';
import { ensureSecrets } from '../../src/state/store.ts';
import { loadInputs } from '../load-inputs.ts';

export interface ExportOptions {
  site: string;
  runbook?: string;
  format: string;
  out: string;
}

function checkOptions(options: ExportOptions): ExportFormat {
  const problems = [];
  if (!(EXPORT_FORMATS as readonly string[]).includes(options.format)) {
    problems.push({
      file: '(command line)',
      line: 0,
      field: '--format',
      message: `"${options.format}" is not an export format`,
      fix: `use --format ${EXPORT_FORMATS.join(' or --format ')}`,
    });
  }
  if (!options.out || !options.out.trim()) {
    problems.push({
      file: '(command line)',
      line: 0,
      field: '--out',
      message: 'no folder to write the export into',
      fix: 'add --out DIR (a new or empty folder)',
    });
  }
  if (problems.length) throw new InputError(problems);
  return options.format as ExportFormat;
}

export async function run(options: ExportOptions): Promise<number> {
  const format = checkOptions(options);
  const { runbook, plan } = loadInputs(options);
  const paths = statePaths(plan.siteFile);
  ensureStateDir(paths);
  const { secrets } = ensureSecrets(paths.state, plan.secrets);
  const prose = new Map(allSteps(runbook).map((s) => [s.id, s.prose]));
  const files = format === 'bash' ? bashExport(plan, secrets, prose) : ansibleExport(plan, secrets);
  const secretsFile = format === 'bash' ? 'secrets.env' : 'secrets.yml';
  const result = writeExport(options.out, format, plan.siteName, files, [secretsFile]);
  process.stdout.write(`Wrote the ${format} export of site "${plan.siteName}" to ${result.dir}:\n`);
  for (const f of result.written) process.stdout.write(`  ${f}\n`);
  for (const f of result.kept)
    process.stdout.write(`  ${f} (kept as it was: it may hold your changes)\n`);
  // A kept secrets file from an earlier state would hand the machines old passwords.
  for (const f of result.keptButDifferent)
    process.stderr.write(
      `warning: ${f} was kept from an earlier export and differs from the site's current secrets (${paths.state}); the export would use the old values. Delete ${f} and export again to write the current ones.\n`,
    );
  for (const f of result.keptEncrypted)
    process.stderr.write(
      `note: ${f} was kept encrypted from an earlier export and cannot be compared with the site's current secrets (${paths.state}); check it with \`ansible-vault view ${f}\`.\n`,
    );
  process.stdout.write(
    format === 'bash'
      ? `${secretsFile} holds the secrets (mode 0600): keep it private.\n`
      : `${secretsFile} holds the secrets (mode 0600): encrypt it with \`ansible-vault encrypt ${secretsFile}\`.\n`,
  );
  return 0;
}
