// `runbook export --format bash|ansible --out DIR`: the plan as shell scripts per role, or as
// an Ansible project. Secrets are the site's (generated once into the state file if this is
// the first thing run), and go only into a 0600 secrets file, never a script or a playbook;
// the Ansible one is encrypted with ansible-vault (--vault-password-file) unless the operator
// asks for plain text (--plain-secrets).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError, type Problem } from '../../src/diagnostics.ts';
import { ANSIBLE_SECRETS_FILE, ansibleExport } from '../../src/export/ansible.ts';
import { bashExport } from '../../src/export/bash.ts';
import { writeExport } from '../../src/export/out-dir.ts';
import { EXPORT_FORMATS, type ExportFile, type ExportFormat } from '../../src/export/shared.ts';
import { VAULT_HEADER, VaultError, vaultDecrypt, vaultEncrypt } from '../../src/export/vault.ts';
import { allSteps } from '../../src/runbook/model.ts';
import { ensureStateDir, statePaths } from '../../src/state/paths.ts';
import { ensureSecrets } from '../../src/state/store.ts';
import { loadInputs } from '../load-inputs.ts';

export interface ExportOptions {
  site: string;
  runbook?: string;
  format: string;
  out: string;
  /** Ansible: encrypt the secrets with ansible-vault and this password file. */
  vaultPasswordFile?: string;
  /** Ansible: write the secrets in plain text (mode 0600). */
  plainSecrets?: boolean;
}

const cli = (field: string, message: string, fix: string): Problem => ({
  file: '(command line)',
  line: 0,
  field,
  message,
  fix,
});

function checkOptions(options: ExportOptions): ExportFormat {
  const problems: Problem[] = [];
  const known = (EXPORT_FORMATS as readonly string[]).includes(options.format);
  if (!known)
    problems.push(
      cli(
        '--format',
        `"${options.format}" is not an export format`,
        `use --format ${EXPORT_FORMATS.join(' or --format ')}`,
      ),
    );
  if (!options.out || !options.out.trim())
    problems.push(
      cli('--out', 'no folder to write the export into', 'add --out DIR (a new or empty folder)'),
    );
  if (options.format === 'ansible') {
    if (options.vaultPasswordFile && options.plainSecrets)
      problems.push(
        cli(
          '--plain-secrets',
          'asks for plain-text secrets, and --vault-password-file for encrypted ones',
          'give one of the two',
        ),
      );
    else if (!options.vaultPasswordFile && !options.plainSecrets)
      problems.push(
        cli(
          '--vault-password-file',
          "the Ansible export holds the site's secrets, and nothing says how to protect them",
          'add --vault-password-file FILE (a file holding the vault password: the secrets are encrypted with ansible-vault), or --plain-secrets to write them in plain text (mode 0600)',
        ),
      );
    const file = options.vaultPasswordFile;
    if (file && (!existsSync(file) || !statSync(file).isFile()))
      problems.push(
        cli(
          '--vault-password-file',
          `${file} is not a file`,
          'name the file that holds the vault password (one line)',
        ),
      );
  } else if (known && (options.vaultPasswordFile || options.plainSecrets)) {
    const flag = options.vaultPasswordFile ? '--vault-password-file' : '--plain-secrets';
    problems.push(
      cli(
        flag,
        `is for --format ansible; the bash export keeps its secrets in secrets.env (mode 0600)`,
        `drop ${flag}`,
      ),
    );
  }
  if (problems.length) throw new InputError(problems);
  return options.format as ExportFormat;
}

/** The Ansible project, its secrets file encrypted when a vault password file is given. */
async function ansibleFiles(options: ExportOptions, files: ExportFile[]): Promise<ExportFile[]> {
  if (!options.vaultPasswordFile) return files;
  return Promise.all(
    files.map(async (f) =>
      f.path === ANSIBLE_SECRETS_FILE
        ? {
            ...f,
            plain: f.content,
            content: await vaultEncrypt(f.content, options.vaultPasswordFile!),
          }
        : f,
    ),
  );
}

export async function run(options: ExportOptions): Promise<number> {
  const format = checkOptions(options);
  const { runbook, plan } = loadInputs(options);
  const paths = statePaths(plan.siteFile);
  ensureStateDir(paths);
  const { secrets } = ensureSecrets(paths.state, plan.secrets);
  const prose = new Map(allSteps(runbook).map((s) => [s.id, s.prose]));
  const knownHosts = existsSync(paths.knownHosts) ? readFileSync(paths.knownHosts, 'utf8') : '';
  let files: ExportFile[];
  try {
    files =
      format === 'bash'
        ? bashExport(plan, secrets, prose)
        : await ansibleFiles(
            options,
            ansibleExport(plan, secrets, knownHosts, resolve(options.out)),
          );
  } catch (err) {
    if (err instanceof VaultError)
      throw new InputError([
        cli(
          '--vault-password-file',
          err.message,
          'check the password file and that ansible-vault runs here',
        ),
      ]);
    throw err;
  }
  const secretsFile = format === 'bash' ? 'secrets.env' : ANSIBLE_SECRETS_FILE;
  const result = writeExport(options.out, format, plan.siteName, files, [secretsFile]);
  process.stdout.write(`Wrote the ${format} export of site "${plan.siteName}" to ${result.dir}:\n`);
  for (const f of result.written.filter((w) => !w.includes('/') || w.startsWith('group_vars/')))
    process.stdout.write(`  ${f}\n`);
  const inRoles = result.written.filter((w) => w.startsWith('roles/')).length;
  if (inRoles) process.stdout.write(`  roles/ (${inRoles} files)\n`);
  for (const f of result.kept)
    process.stdout.write(`  ${f} (kept as it was: it may hold your changes)\n`);
  // A kept secrets file from an earlier state would hand the machines old passwords.
  const stale = (f: string) =>
    process.stderr.write(
      `warning: ${f} was kept from an earlier export and differs from the site's current secrets (${paths.state}); the export would use the old values. Delete ${f} and export again to write the current ones.\n`,
    );
  result.keptButDifferent.forEach(stale);
  for (const f of result.keptEncrypted) {
    const plain = files.find((x) => x.path === f)?.plain;
    const opened = options.vaultPasswordFile
      ? await vaultDecrypt(readFileSync(join(result.dir, f), 'utf8'), options.vaultPasswordFile)
      : undefined;
    if (opened === undefined)
      process.stderr.write(
        `note: ${f} was kept encrypted from an earlier export and cannot be compared with the site's current secrets (${paths.state}); check it with \`ansible-vault view ${f}\`.\n`,
      );
    else if (opened !== plain) stale(f);
  }
  if (
    options.vaultPasswordFile &&
    result.kept.includes(secretsFile) &&
    !readFileSync(join(result.dir, secretsFile), 'utf8').startsWith(VAULT_HEADER)
  )
    process.stderr.write(
      `warning: ${secretsFile} was kept in plain text from an earlier export; encrypt it: ansible-vault encrypt ${secretsFile}\n`,
    );
  for (const f of result.leftOver)
    process.stderr.write(
      `note: ${f} is from an earlier export and is no longer read (the secrets are now in ${secretsFile}); it was left for you to delete.\n`,
    );
  if (format === 'bash')
    process.stdout.write(`${secretsFile} holds the secrets (mode 0600): keep it private.\n`);
  else if (options.vaultPasswordFile)
    process.stdout.write(
      `${secretsFile} holds the secrets, encrypted with ansible-vault: run with --vault-password-file ${options.vaultPasswordFile}.\n`,
    );
  else
    process.stdout.write(
      `${secretsFile} holds the secrets in plain text (mode 0600), as --plain-secrets asked: encrypt it with \`ansible-vault encrypt ${secretsFile}\`.\n`,
    );
  return 0;
}
