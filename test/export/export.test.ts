// `runbook export`: the out folder rules, bad options, and what the files look like to the
// tools an operator will point at them (bash -n, shellcheck, ansible-playbook --syntax-check,
// ansible-lint), for the test runbook and for the bundled runbook.
import { execa } from 'execa';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/diagnostics.ts';
import { run as exportRun } from '../../installer/commands/export.ts';
import { RUNBOOK } from './harness.ts';
import { runbookCli } from '../helpers/cli.ts';

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

async function quietExport(options: {
  site: string;
  runbook?: string;
  format: string;
  out: string;
}): Promise<number> {
  const write = process.stdout.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    return await exportRun(options);
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
    expect(statSync(join(out, 'secrets.yml')).mode & 0o777).toBe(0o600);
    writeFileSync(join(out, 'secrets.yml'), '$ANSIBLE_VAULT;1.1;AES256\n0000\n');
    writeFileSync(join(out, 'site.yml'), 'edited');
    expect(await quietExport({ site, runbook: RUNBOOK, format: 'ansible', out })).toBe(0);
    expect(readFileSync(join(out, 'secrets.yml'), 'utf8')).toMatch(/^\$ANSIBLE_VAULT/);
    expect(readFileSync(join(out, 'site.yml'), 'utf8')).toMatch(/^---/);
    // switching format removes the earlier export's files, not the kept secrets
    expect(await quietExport({ site, runbook: RUNBOOK, format: 'bash', out })).toBe(0);
    expect(existsSync(join(out, 'site.yml'))).toBe(false);
    expect(existsSync(join(out, 'management.sh'))).toBe(true);
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

describe('the Ansible export', () => {
  for (const [label, runbook] of [
    ['test runbook', RUNBOOK],
    ['bundled runbook', undefined],
  ] as const) {
    it(`passes ansible-playbook --syntax-check and ansible-lint (${label})`, async () => {
      const out = join(work, `lint-${label.replace(' ', '-')}`);
      expect(
        await quietExport({
          site: siteFile(`lint${label.length}`, 2),
          runbook,
          format: 'ansible',
          out,
        }),
      ).toBe(0);
      const syntax = await execa('ansible-playbook', ['--syntax-check', 'site.yml'], {
        cwd: out,
        reject: false,
      });
      expect(syntax.exitCode, `${syntax.stdout}\n${syntax.stderr}`).toBe(0);
      const lint = await execa('ansible-lint', ['--nocolor', 'site.yml'], {
        cwd: out,
        reject: false,
        env: { ANSIBLE_LOCAL_TEMP: join(out, '.tmp') },
      });
      expect(lint.exitCode, `${lint.stdout}\n${lint.stderr}`).toBe(0);
    }, 240_000);
  }

  it('groups the machines as the runbook targets them', async () => {
    const out = join(work, 'inv-out');
    expect(
      await quietExport({ site: siteFile('inv', 0), runbook: RUNBOOK, format: 'ansible', out }),
    ).toBe(0);
    const listed = await execa('ansible-inventory', ['--list'], { cwd: out });
    const inv = JSON.parse(listed.stdout) as Record<string, { hosts?: string[] }>;
    for (const group of ['management', 'kvm', 'all_in_one'])
      expect(inv[group]?.hosts).toEqual(['cloudstack-mgmt']);
  });
});
