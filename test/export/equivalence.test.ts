// The exported playbook and scripts leave the hosts as `runbook install` does, and a second
// run changes nothing. Hosts are real OpenSSH servers on loopback (a management server and
// two KVM hosts); the runbook (test/fixtures/runbook-export) writes files and runs scripts
// under /tmp/rb-export/<site>/<host>. The same on the lab VMs: test/lab/export-equivalence.test.ts.
import { execa } from 'execa';
import {
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ansiblePlaybook,
  exportTo,
  hostState,
  install,
  makeSite,
  runScript,
  startCluster,
  vaultArgs,
  vaultPasswordFile,
  wipeHosts,
  type Cluster,
  type TestSite,
} from './harness.ts';

let cluster: Cluster;
let site: TestSite;
let installed: Record<string, string>;
const scratch = mkdtempSync(join(tmpdir(), 'rb-export-done-'));

beforeAll(async () => {
  cluster = await startCluster(['mgmt', 'kvm1', 'kvm2'], 70);
  site = makeSite(cluster);
  const first = await install(site);
  expect(first.code, first.output).toBe(0);
  installed = hostState(site);
}, 120_000);

afterAll(() => {
  site?.cleanup();
  cluster?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe('what runbook install leaves behind', () => {
  it('is what the fixture describes (so the comparisons below mean something)', () => {
    const root = site.name;
    expect(Object.keys(installed)).toContain(`mgmt/var/db-digest`);
    expect(installed['mgmt/var/runs']).toBe('644 0:0\nrun\n');
    expect(installed['kvm1/var/attempts']).toBe('644 0:0\n2\n');
    expect(installed['kvm1/etc/hosts']).toMatch(
      /^640 0:0\n127\.0\.0\.1 localhost\n172\.16\.10\.2 mgmt\.cloud\.internal mgmt\n/,
    );
    expect(installed['kvm2/etc/identity']).toBe(
      '644 0:0\nkvm2 172.16.10.4 kvm kvm2.cloud.internal /\n',
    );
    expect(installed['mgmt/etc/tricky.conf']).toContain('jinja: {{ not_a_variable }} {% raw %}');
    expect(installed['mgmt/etc/private']).toBe('600 0:0\nonly root reads this\n');
    expect(installed['kvm2/var/spool/']).toBe('dir 750');
    expect(installed['kvm2/var/spool/ready']).toBe('644 0:0\n');
    expect(installed['kvm1/etc/agent.properties']).toBeDefined();
    expect(installed['mgmt/etc/agent.properties']).toBeUndefined();
    expect(root).toMatch(/^x/);
  });
});

describe('the Ansible export', () => {
  it('leaves the hosts as runbook install does, and a second run changes nothing', async () => {
    wipeHosts(site);
    const dir = await exportTo(site, 'ansible');
    const done = join(scratch, 'ansible');
    const first = await ansiblePlaybook(dir, done, vaultArgs(site));
    expect(first.code, first.output).toBe(0);
    expect(hostState(site)).toEqual(installed);
    expect(first.recap.mgmt?.changed).toBeGreaterThan(0);

    const second = await ansiblePlaybook(dir, done, vaultArgs(site));
    expect(second.code, second.output).toBe(0);
    for (const host of ['mgmt', 'kvm1', 'kvm2']) {
      expect(second.recap[host], second.output).toMatchObject({ changed: 0, failed: 0 });
    }
    expect(hostState(site)).toEqual(installed);

    // On the built hosts, --check runs every check and finds nothing to do.
    const dry = await ansiblePlaybook(dir, done, ['--check', ...vaultArgs(site)]);
    expect(dry.code, dry.output).toBe(0);
    for (const host of ['mgmt', 'kvm1', 'kvm2'])
      expect(dry.recap[host], dry.output).toMatchObject({ changed: 0, failed: 0 });
    expect(dry.output).toMatch(/its check\)\]/);
    expect(hostState(site)).toEqual(installed);
  }, 450_000);

  it('keeps secrets out of every file but the 0600 vault file, and there only encrypted', async () => {
    const dir = await exportTo(site, 'ansible');
    const state = JSON.parse(readFileSync(join(site.dir, '.runbook', 'state.json'), 'utf8')) as {
      secrets: Record<string, string>;
    };
    const password = state.secrets.CLOUD_DB_PASSWORD!;
    const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) =>
      e.isFile(),
    );
    expect(files.length).toBeGreaterThan(10);
    for (const f of files)
      expect(readFileSync(join(f.parentPath, f.name), 'utf8')).not.toContain(password);
    const vault = join(dir, 'group_vars', 'all', 'secrets.yml');
    expect(statSync(vault).mode & 0o777).toBe(0o600);
    const view = await execa('ansible-vault', ['view', ...vaultArgs(site), vault]);
    expect(view.stdout).toContain(password);
  });
});

describe('the Ansible export as an Ansible user runs it', () => {
  it('--check on fresh hosts runs the checks, reports what would change, and changes nothing', async () => {
    wipeHosts(site);
    const dir = await exportTo(site, 'ansible');
    const done = join(scratch, 'check');
    const dry = await ansiblePlaybook(dir, done, ['--check', ...vaultArgs(site)]);
    expect(dry.code, dry.output).toBe(0);
    expect(hostState(site)).toEqual({});
    for (const host of ['mgmt', 'kvm1', 'kvm2'])
      expect(dry.recap[host]?.changed, dry.output).toBeGreaterThan(0);
    // The check that fails is what reports the change: the step would run.
    expect(dry.output).toMatch(/its check\)\] \*+\n(?:\S+: \[[\w-]+\]\n)*changed: \[mgmt\]/);
  }, 300_000);

  it('--tags and --limit run one step on one machine', async () => {
    wipeHosts(site);
    const dir = await exportTo(site, 'ansible');
    const run = await ansiblePlaybook(dir, join(scratch, 'tags'), [
      '--tags',
      'base-dirs,hosts-file',
      '--limit',
      'kvm2',
      ...vaultArgs(site),
    ]);
    expect(run.code, run.output).toBe(0);
    expect(Object.keys(hostState(site)).sort()).toEqual([
      'kvm2/',
      'kvm2/etc/',
      'kvm2/etc/hosts',
      'kvm2/var/',
    ]);
    expect(hostState(site)['kvm2/etc/hosts']).toBe(installed['kvm2/etc/hosts']);
    expect(Object.keys(run.recap)).toEqual(['kvm2']);
  }, 300_000);

  it('copied to another folder, with the site folder gone, still runs and leaves the same files', async () => {
    wipeHosts(site);
    const dir = await exportTo(site, 'ansible');
    const elsewhere = mkdtempSync(join(tmpdir(), 'rb-export-elsewhere-'));
    cpSync(dir, join(elsewhere, 'playbook'), { recursive: true });
    cpSync(vaultPasswordFile(site), join(elsewhere, 'vault-password'));
    const away = `${site.dir}.away`;
    renameSync(site.dir, away);
    try {
      const run = await ansiblePlaybook(join(elsewhere, 'playbook'), join(scratch, 'elsewhere'), [
        '--vault-password-file',
        join(elsewhere, 'vault-password'),
      ]);
      expect(run.code, run.output).toBe(0);
      expect(hostState(site)).toEqual(installed);
    } finally {
      renameSync(away, site.dir);
      rmSync(elsewhere, { recursive: true, force: true });
    }
  }, 300_000);
});

describe('the bash export', () => {
  it('leaves each host as runbook install does, and a second run changes nothing', async () => {
    wipeHosts(site);
    const dir = await exportTo(site, 'bash');
    const env = {
      RUNBOOK_STATE_DIR: join(scratch, 'bash'),
      RUNBOOK_SECRETS_FILE: join(dir, 'secrets.env'),
    };
    const [mgmt, ...kvms] = cluster.hosts;
    const m = await runScript(cluster, mgmt!, join(dir, 'management.sh'), env);
    expect(m.code, m.output).toBe(0);
    for (const kvm of kvms) {
      const k = await runScript(cluster, kvm, join(dir, 'kvm.sh'), env);
      expect(k.code, k.output).toBe(0);
    }
    expect(hostState(site)).toEqual(installed);

    const again = await runScript(cluster, mgmt!, join(dir, 'management.sh'), env);
    expect(again.code, again.output).toBe(0);
    expect(again.output).not.toMatch(/: changed$/m);
    expect(again.output).toContain('skipped: done in an earlier run');
    expect(hostState(site)).toEqual(installed);
  }, 180_000);
});
