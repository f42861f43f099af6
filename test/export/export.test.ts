// `runbook export`: the out folder rules, bad options, and what the files look like to the
// tools an operator will point at them (bash -n, shellcheck, ansible-playbook --syntax-check,
// ansible-lint), for the test runbook and for the bundled runbook.
import { execa } from 'execa';
import {
  readdirSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/diagnostics.ts';
import { run as exportRun, type ExportOptions } from '../../installer/commands/export.ts';
import { RUNBOOK } from './harness.ts';
import { REPO, runbookCli } from '../helpers/cli.ts';

const work = mkdtempSync(join(tmpdir(), 'rb-export-unit-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function siteFile(name: string, hosts: number): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'site.yaml');
  const lines = [`name: ${name}`, hosts ? 'hosts:' : 'hosts: []'];
  for (let i = 0; i < hosts; i++)
    lines.push(`  - { address: 172.16.10.${i + 3}, hostname: kvm${i + 1} }`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const VAULT_FILE = join(work, 'vault-password');
writeFileSync(VAULT_FILE, 'a test vault password\n', { mode: 0o600 });

async function quietExport(options: ExportOptions): Promise<number> {
  const write = process.stdout.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    const vault =
      options.format === 'ansible' && !options.plainSecrets && !options.vaultPasswordFile
        ? { vaultPasswordFile: VAULT_FILE }
        : {};
    return await exportRun({ ...options, ...vault });
  } finally {
    process.stdout.write = write;
  }
}

async function inputProblems(promise: Promise<unknown>): Promise<string[]> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof InputError) return error.problems.map((p) => `${p.field}: ${p.message}`);
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('the out folder', () => {
  const site = siteFile('outdir', 1);

  it('refuses a folder that holds files of the operator, and leaves them alone', async () => {
    const out = join(work, 'theirs');
    mkdirSync(out);
    writeFileSync(join(out, 'notes.txt'), 'mine');
    const problems = await inputProblems(
      quietExport({ site, runbook: RUNBOOK, format: 'bash', out }),
    );
    expect(problems.join('\n')).toMatch(/--out: is not empty and holds no earlier export/);
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('mine');
    expect(existsSync(join(out, 'management.sh'))).toBe(false);
  });

  it('refuses a file', async () => {
    const out = join(work, 'a-file');
    writeFileSync(out, 'x');
    expect(
      (await inputProblems(quietExport({ site, runbook: RUNBOOK, format: 'bash', out }))).join(),
    ).toMatch(/--out: is a file/);
  });

  it('replaces an earlier export, keeping the secrets file the operator may have encrypted', async () => {
    const out = join(work, 'again');
    expect(await quietExport({ site, runbook: RUNBOOK, format: 'ansible', out })).toBe(0);
    const secrets = join(out, 'group_vars', 'all', 'secrets.yml');
    expect(statSync(secrets).mode & 0o777).toBe(0o600);
    writeFileSync(secrets, '$ANSIBLE_VAULT;1.1;AES256\n0000\n');
    writeFileSync(join(out, 'site.yml'), 'edited');
    expect(await quietExport({ site, runbook: RUNBOOK, format: 'ansible', out })).toBe(0);
    expect(readFileSync(secrets, 'utf8')).toBe('$ANSIBLE_VAULT;1.1;AES256\n0000\n');
    expect(readFileSync(join(out, 'site.yml'), 'utf8')).toMatch(/^---/);
  });

  it('refuses to write one format over the other, leaving the export and its secrets as they were', async () => {
    const out = join(work, 'mixed');
    expect(await quietExport({ site, runbook: RUNBOOK, format: 'ansible', out })).toBe(0);
    const secrets = readFileSync(join(out, 'group_vars', 'all', 'secrets.yml'), 'utf8');
    const problems = await inputProblems(
      quietExport({ site, runbook: RUNBOOK, format: 'bash', out }),
    );
    expect(problems.join('\n')).toMatch(
      /--out: holds a ansible export .*a bash export there would replace it, secrets file included/,
    );
    expect(readFileSync(join(out, 'group_vars', 'all', 'secrets.yml'), 'utf8')).toBe(secrets);
    expect(existsSync(join(out, 'site.yml'))).toBe(true);
    expect(existsSync(join(out, 'management.sh'))).toBe(false);
    // and the other way round, through the real command: one message, exit 2
    const bashOut = join(work, 'mixed-bash');
    expect(await quietExport({ site, runbook: RUNBOOK, format: 'bash', out: bashOut })).toBe(0);
    const r = await runbookCli([
      'export',
      '--site',
      site,
      '--runbook',
      RUNBOOK,
      '--format',
      'ansible',
      '--plain-secrets',
      '--out',
      bashOut,
    ]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/holds a bash export/);
    expect(readFileSync(join(bashOut, 'secrets.env'), 'utf8')).toContain('CLOUD_DB_PASSWORD=');
  });

  it('removes what a chapter no longer has, folders included, and leaves a secrets file it once promised to keep', async () => {
    const out = join(work, 'shrink');
    expect(await quietExport({ site, runbook: RUNBOOK, format: 'ansible', out })).toBe(0);
    expect(existsSync(join(out, 'roles', 'kvm', 'tasks', 'main.yml'))).toBe(true);
    // An export from before group_vars/all/secrets.yml kept its secrets in secrets.yml.
    writeFileSync(join(out, 'secrets.yml'), 'runbook_secrets: {}\n', { mode: 0o600 });
    const marker = JSON.parse(readFileSync(join(out, '.runbook-export'), 'utf8')) as {
      files: string[];
      keep?: string[];
    };
    writeFileSync(
      join(out, '.runbook-export'),
      JSON.stringify({
        format: 'ansible',
        site: 'outdir',
        files: [...marker.files, 'secrets.yml'],
      }),
    );
    const shorter = join(work, 'runbook-two-chapters');
    mkdirSync(shorter, { recursive: true });
    for (const page of ['01-machines.mdx', '02-management.mdx'])
      writeFileSync(join(shorter, page), readFileSync(join(RUNBOOK, page)));
    expect(await quietExport({ site, runbook: shorter, format: 'ansible', out })).toBe(0);
    expect(existsSync(join(out, 'roles', 'kvm'))).toBe(false);
    expect(existsSync(join(out, 'roles', 'machines', 'tasks', 'main.yml'))).toBe(true);
    expect(readFileSync(join(out, 'secrets.yml'), 'utf8')).toBe('runbook_secrets: {}\n');
  });

  it('warns when a kept secrets file no longer holds the site’s secrets, without printing them', async () => {
    const out = join(work, 'stale');
    const cli = (format: string) =>
      runbookCli([
        'export',
        '--site',
        site,
        '--runbook',
        RUNBOOK,
        '--format',
        format,
        '--out',
        out,
      ]);
    expect((await cli('bash')).exitCode).toBe(0);
    const again = await cli('bash');
    expect(again.stderr).toBe(''); // kept and still current: nothing to say
    const stale = `${readFileSync(join(out, 'secrets.env'), 'utf8')}DB_PASSWORD='an-old-password'\n`;
    writeFileSync(join(out, 'secrets.env'), stale);
    const warned = await cli('bash');
    expect(warned.exitCode).toBe(0);
    expect(warned.stderr).toMatch(
      /^warning: secrets\.env was kept from an earlier export and differs from the site's current secrets .*Delete secrets\.env and export again/,
    );
    const state = JSON.parse(
      readFileSync(join(dirname(site), '.runbook', 'state.json'), 'utf8'),
    ) as { secrets: Record<string, string> };
    for (const secret of Object.values(state.secrets))
      expect(`${warned.stdout}${warned.stderr}`).not.toContain(secret);
    expect(readFileSync(join(out, 'secrets.env'), 'utf8')).toBe(stale); // still kept as the operator left it
  });

  it('names a bad format and a missing folder', async () => {
    const problems = await inputProblems(
      quietExport({ site, runbook: RUNBOOK, format: 'puppet', out: '' }),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^--format: "puppet" is not an export format/),
      expect.stringMatching(/^--out: no folder/),
    ]);
  });
});

describe('the bash export', () => {
  it('passes bash -n and shellcheck, and holds no secret', async () => {
    const site = siteFile('bashcheck', 2);
    const out = join(work, 'bash-out');
    expect(await quietExport({ site, runbook: RUNBOOK, format: 'bash', out })).toBe(0);
    const state = JSON.parse(
      readFileSync(join(work, 'bashcheck', '.runbook', 'state.json'), 'utf8'),
    ) as { secrets: Record<string, string> };
    for (const script of ['management.sh', 'kvm.sh']) {
      const text = readFileSync(join(out, script), 'utf8');
      expect(statSync(join(out, script)).mode & 0o777).toBe(0o755);
      for (const secret of Object.values(state.secrets)) expect(text).not.toContain(secret);
      expect(text).toMatch(/^set -euo pipefail$/m);
      expect(text).toMatch(/^export MGMT_IP=172\.16\.10\.2$/m);
      const syntax = await execa('bash', ['-n', join(out, script)], { reject: false });
      expect(syntax.exitCode, syntax.stderr).toBe(0);
      const lint = await execa('shellcheck', ['-S', 'warning', join(out, script)], {
        reject: false,
      });
      expect(lint.exitCode, lint.stdout).toBe(0);
    }
    expect(readFileSync(join(out, 'kvm.sh'), 'utf8')).not.toContain('db-settings');
    expect(statSync(join(out, 'secrets.env')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(out, 'secrets.env'), 'utf8')).toContain(
      `CLOUD_DB_PASSWORD=${state.secrets.CLOUD_DB_PASSWORD}`,
    );
  }, 240_000);

  it('passes shellcheck for the bundled runbook too (api steps included)', async () => {
    const out = join(work, 'bash-bundled');
    expect(await quietExport({ site: siteFile('bashbundled', 1), format: 'bash', out })).toBe(0);
    for (const script of ['management.sh', 'kvm.sh']) {
      const lint = await execa('shellcheck', ['-S', 'warning', join(out, script)], {
        reject: false,
      });
      expect(lint.exitCode, lint.stdout).toBe(0);
    }
  }, 240_000);

  it('an all-in-one site gets one script with every host step', async () => {
    const out = join(work, 'aio-out');
    expect(
      await quietExport({ site: siteFile('aio', 0), runbook: RUNBOOK, format: 'bash', out }),
    ).toBe(0);
    const text = readFileSync(join(out, 'all-in-one.sh'), 'utf8');
    expect(existsSync(join(out, 'management.sh'))).toBe(false);
    for (const id of ['base-dirs', 'db-settings', 'agent-settings'])
      expect(text).toContain(`run_step ${id} `);
  });
});

async function ansibleProject(
  name: string,
  runbook: string | undefined,
  hosts = 2,
): Promise<string> {
  const out = join(work, `ansible-${name}`);
  expect(await quietExport({ site: siteFile(name, hosts), runbook, format: 'ansible', out })).toBe(
    0,
  );
  return out;
}

describe('the Ansible export', () => {
  for (const [label, runbook] of [
    ['test runbook', RUNBOOK],
    ['bundled runbook', undefined],
  ] as const) {
    it(`passes ansible-playbook --syntax-check and ansible-lint's production profile (${label})`, async () => {
      const out = await ansibleProject(`lint${label.length}`, runbook);
      const syntax = await execa(
        'ansible-playbook',
        ['--syntax-check', '--vault-password-file', VAULT_FILE, 'site.yml'],
        { cwd: out, reject: false },
      );
      expect(syntax.exitCode, `${syntax.stdout}\n${syntax.stderr}`).toBe(0);
      // The whole project (roles included), with the profile .ansible-lint names.
      const lint = await execa('ansible-lint', ['--nocolor'], {
        cwd: out,
        reject: false,
        env: { ANSIBLE_LOCAL_TEMP: join(out, '.tmp'), ANSIBLE_VAULT_PASSWORD_FILE: VAULT_FILE },
      });
      expect(lint.exitCode, `${lint.stdout}\n${lint.stderr}`).toBe(0);
      expect(`${lint.stdout}${lint.stderr}`).toMatch(
        /Passed with production profile: 0 failure\(s\), 0 warning\(s\) on \d+ files/,
      );
    }, 240_000);
  }

  it('is a role per chapter behind a short site.yml, every task named after its step and tagged with its id and chapter', async () => {
    const out = await ansibleProject('layout', RUNBOOK);
    const site = readFileSync(join(out, 'site.yml'), 'utf8');
    expect(site.split('\n').length).toBeLessThan(40);
    expect(site).toMatch(
      /- name: Every machine\n\s+hosts: management:kvm\n[\s\S]*?roles:\n\s+- machines/,
    );
    expect(site).toMatch(/hosts: management\n[\s\S]*?- management\n/);
    for (const role of ['machines', 'management', 'kvm'])
      expect(existsSync(join(out, 'roles', role, 'tasks', 'main.yml'))).toBe(true);
    expect(
      readFileSync(
        join(out, 'roles', 'machines', 'templates', 'tricky-file', 'tricky.conf.j2'),
        'utf8',
      ),
    ).toContain("jinja: {{ '{{' }} not_a_variable }}");
    expect(
      readFileSync(join(out, 'roles', 'machines', 'files', 'private-file', 'private'), 'utf8'),
    ).toBe('only root reads this\n');
    const listed = await execa(
      'ansible-playbook',
      ['--list-tasks', '--vault-password-file', VAULT_FILE, 'site.yml'],
      { cwd: out },
    );
    expect(listed.stdout).toMatch(
      /Write the hosts file: hosts\s+TAGS: \[01-machines, hosts-file\]/,
    );
    expect(listed.stdout).toMatch(
      /Succeed on the second attempt: is it done\? \(its check\)\s+TAGS: \[03-kvm, flaky\]/,
    );
    const one = await execa(
      'ansible-playbook',
      ['--list-tasks', '--tags', 'db-settings', '--vault-password-file', VAULT_FILE, 'site.yml'],
      { cwd: out },
    );
    const tasks = one.stdout.split('\n').filter((l) => /TAGS:/.test(l) && !/^\s*play #/.test(l));
    expect(tasks.map((l) => l.trim().split(/\s+TAGS/)[0])).toEqual([
      'management : Write the database settings: db.properties',
    ]);
  }, 120_000);

  it('encrypts the secrets with ansible-vault, or writes them in plain text only when asked', async () => {
    const site = siteFile('secrets', 1);
    const secretsOf = () =>
      JSON.parse(readFileSync(join(work, 'secrets', '.runbook', 'state.json'), 'utf8')) as {
        secrets: Record<string, string>;
      };
    const vaulted = join(work, 'secrets-vault');
    /** `runbook export` of this site and the test runbook, through the CLI. */
    const exportCli = (format: 'ansible' | 'bash', out: string, ...options: string[]) =>
      runbookCli([
        'export',
        '--site',
        site,
        '--runbook',
        RUNBOOK,
        '--format',
        format,
        ...options,
        '--out',
        out,
      ]);
    const r = await exportCli('ansible', vaulted, '--vault-password-file', VAULT_FILE);
    expect(r.exitCode, r.stderr).toBe(0);
    const file = join(vaulted, 'group_vars', 'all', 'secrets.yml');
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/^\$ANSIBLE_VAULT;1\.1;AES256\n/);
    const { secrets } = secretsOf();
    for (const value of Object.values(secrets)) {
      expect(text).not.toContain(value);
      expect(`${r.stdout}${r.stderr}`).not.toContain(value);
    }
    const view = await execa('ansible-vault', ['view', '--vault-password-file', VAULT_FILE, file]);
    expect(view.stdout).toContain(`CLOUD_DB_PASSWORD: !unsafe ${secrets.CLOUD_DB_PASSWORD}`);

    const none = await exportCli('ansible', join(work, 'secrets-none'));
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toMatch(
      /--vault-password-file: the Ansible export holds the site's secrets, and nothing says how to protect them/,
    );
    expect(none.stderr).toMatch(/--plain-secrets/);
    expect(existsSync(join(work, 'secrets-none'))).toBe(false);

    const missing = await exportCli(
      'ansible',
      join(work, 'secrets-missing'),
      '--vault-password-file',
      join(work, 'nope'),
    );
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(/nope is not a file/);

    const forBash = await exportCli('bash', join(work, 'secrets-bash'), '--plain-secrets');
    expect(forBash.exitCode).toBe(2);
    expect(forBash.stderr).toMatch(/--plain-secrets: is for --format ansible/);

    const plain = join(work, 'secrets-plain');
    expect((await exportCli('ansible', plain, '--plain-secrets')).exitCode).toBe(0);
    const plainFile = join(plain, 'group_vars', 'all', 'secrets.yml');
    expect(statSync(plainFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(plainFile, 'utf8')).toContain(secrets.CLOUD_DB_PASSWORD);
    for (const f of [
      'site.yml',
      'inventory.yml',
      'group_vars/all/runbook.yml',
      'README.md',
      'roles/management/tasks/main.yml',
    ])
      expect(readFileSync(join(plain, f), 'utf8')).not.toContain(secrets.CLOUD_DB_PASSWORD);

    // A kept vault file is compared with the site's secrets through the same password.
    const again = await exportCli('ansible', vaulted, '--vault-password-file', VAULT_FILE);
    expect(again.stderr).toBe('');
    const stale = await execa(
      'ansible-vault',
      ['encrypt', '--vault-password-file', VAULT_FILE, '--output', '-', '-'],
      { input: 'runbook_secrets: {CLOUD_DB_PASSWORD: old}\n' },
    );
    writeFileSync(file, stale.stdout);
    const warned = await exportCli('ansible', vaulted, '--vault-password-file', VAULT_FILE);
    expect(warned.stderr).toMatch(
      /^warning: group_vars\/all\/secrets\.yml was kept from an earlier export and differs/,
    );
  }, 300_000);

  it("README's count of command tasks is the number in the roles, every kind accounted for", async () => {
    const out = await ansibleProject('count', undefined);
    const roles = join(out, 'roles');
    const inRoles = readdirSync(roles)
      .map((r) => readFileSync(join(roles, r, 'tasks', 'main.yml'), 'utf8'))
      .join('\n');
    const commands = inRoles.match(/^\s+ansible\.builtin\.command:/gm)?.length ?? 0;
    expect(inRoles).not.toMatch(/^\s+ansible\.builtin\.shell:/m);
    const readme = readFileSync(join(out, 'README.md'), 'utf8');
    const said = /This export has (\d+) `command` tasks and no `shell` task/.exec(readme);
    expect(Number(said?.[1])).toBe(commands);
    // The three kinds it lists add up to the total.
    const kinds = [...readme.matchAll(/^- (\d+) (?:run a step|call the CloudStack API)/gm)].map(
      (m) => Number(m[1]),
    );
    expect(kinds).toHaveLength(3);
    expect(kinds.reduce((a, b) => a + b, 0)).toBe(commands);
  }, 120_000);

  it('holds no path of the exporting machine: keys and known hosts are variables relative to the export', async () => {
    const site = siteFile('portable', 1);
    writeFileSync(
      site,
      `${readFileSync(site, 'utf8')}ssh: { user: root, identity: ~/.ssh/id_ed25519 }\n`,
    );
    const out = join(work, 'ansible-portable');
    expect(await quietExport({ site, runbook: RUNBOOK, format: 'ansible', out })).toBe(0);
    const texts = [
      'site.yml',
      'inventory.yml',
      'group_vars/all/runbook.yml',
      'group_vars/all/connection.yml',
      'ansible.cfg',
      'roles/machines/tasks/main.yml',
    ].map((f) => readFileSync(join(out, f), 'utf8'));
    for (const text of texts) {
      expect(text).not.toContain(work);
      expect(text).not.toContain(REPO);
      expect(text).not.toContain(homedir());
    }
    const connection = readFileSync(join(out, 'group_vars', 'all', 'connection.yml'), 'utf8');
    expect(connection).toContain('runbook_known_hosts_file: "{{ inventory_dir }}/known_hosts"');
    expect(connection).toContain('runbook_ssh_private_key_file: ~/.ssh/id_ed25519');
    expect(readFileSync(join(out, 'inventory.yml'), 'utf8')).toContain(
      'ansible_ssh_private_key_file: "{{ runbook_ssh_private_key_file }}"',
    );
  });

  it('groups the machines as the runbook targets them', async () => {
    const out = join(work, 'inv-out');
    expect(
      await quietExport({ site: siteFile('inv', 0), runbook: RUNBOOK, format: 'ansible', out }),
    ).toBe(0);
    const listed = await execa(
      'ansible-inventory',
      ['--list', '--vault-password-file', VAULT_FILE],
      { cwd: out },
    );
    const inv = JSON.parse(listed.stdout) as Record<string, { hosts?: string[] }>;
    for (const group of ['management', 'kvm', 'all_in_one'])
      expect(inv[group]?.hosts).toEqual(['cloudstack-mgmt']);
  });
});
