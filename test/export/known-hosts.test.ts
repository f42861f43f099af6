// The Ansible export checks host keys against the keys `runbook install` recorded for the site
// (.runbook/known_hosts beside the site file), copied into the export's own known_hosts, so a
// playbook reaches exactly the machines the installer trusted, from wherever the folder is,
// with Ansible's host key checking on and nothing in ~/.ssh/known_hosts.
// Real OpenSSH servers on loopback, as in the equivalence test.
import { execa } from 'execa';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  exportTo,
  install,
  makeSite,
  startCluster,
  vaultPasswordFile,
  type Cluster,
  type TestSite,
} from './harness.ts';

let cluster: Cluster;
let site: TestSite;
let exported: string;
const home = mkdtempSync(join(tmpdir(), 'rb-export-home-'));

beforeAll(async () => {
  cluster = await startCluster(['mgmt', 'kvm1'], 230);
  site = makeSite(cluster);
  const first = await install(site);
  expect(first.code, first.output).toBe(0);
  exported = await exportTo(site, 'ansible');
}, 120_000);

afterAll(() => {
  site?.cleanup();
  cluster?.stop();
  rmSync(home, { recursive: true, force: true });
});

let pings = 0;

/**
 * `ansible all -m ping` from the export folder, host key checking on, an empty home, and SSH
 * master connections of its own (a connection kept from an earlier call would skip the check).
 */
async function ping(): Promise<{ code: number; output: string }> {
  const controlDir = join(home, `cp-${++pings}`);
  const r = await execa(
    'ansible',
    ['all', '-m', 'ansible.builtin.ping', '--vault-password-file', vaultPasswordFile(site)],
    {
      cwd: exported,
      reject: false,
      timeout: 120_000,
      // Pipelining off here: with it, Ansible may write the module into ssh's stdin before ssh has
      // refused the key, and then reports the broken pipe instead of ssh's reason.
      env: {
        HOME: home,
        ANSIBLE_HOST_KEY_CHECKING: 'True',
        ANSIBLE_PIPELINING: 'False',
        ANSIBLE_NOCOLOR: '1',
        ANSIBLE_LOCAL_TEMP: join(home, 'tmp'),
        ANSIBLE_SSH_CONTROL_PATH_DIR: controlDir,
      },
    },
  );
  return { code: r.exitCode ?? -1, output: `${r.stdout}\n${r.stderr}` };
}

describe('host keys in the Ansible export', () => {
  it('reaches the machines with the keys the installer recorded', async () => {
    const recorded = readFileSync(join(site.dir, '.runbook', 'known_hosts'), 'utf8')
      .split('\n')
      .filter(Boolean);
    const copied = readFileSync(join(exported, 'known_hosts'), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));
    expect(copied.sort()).toEqual(recorded.sort());
    expect(readFileSync(join(exported, 'inventory.yml'), 'utf8')).not.toContain(site.dir);
    const r = await ping();
    expect(r.code, r.output).toBe(0);
    expect(r.output).toMatch(/^mgmt \| SUCCESS/m);
    expect(r.output).toMatch(/^kvm1 \| SUCCESS/m);
  }, 150_000);

  it('refuses a machine whose key differs from the recorded one', async () => {
    const knownHosts = join(exported, 'known_hosts');
    const kvm1 = cluster.hosts[1]!;
    const keyDir = mkdtempSync(join(tmpdir(), 'rb-export-otherkey-'));
    try {
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(keyDir, 'k')]);
      const [type, blob] = readFileSync(join(keyDir, 'k.pub'), 'utf8').split(/\s+/);
      const pattern = `[${kvm1.address}]:${kvm1.port}`;
      const lines = readFileSync(knownHosts, 'utf8').split('\n');
      expect(lines.some((l) => l.startsWith(`${pattern} `))).toBe(true);
      writeFileSync(
        knownHosts,
        lines
          .map((l) => (l.startsWith(`${pattern} `) ? `${pattern} ${type} ${blob}` : l))
          .join('\n'),
      );
      const r = await ping();
      expect(r.code).not.toBe(0);
      expect(r.output).toMatch(/^mgmt \| SUCCESS/m);
      expect(r.output).toMatch(/^kvm1 \| UNREACHABLE/m);
      expect(r.output).toMatch(/host key/i);
    } finally {
      rmSync(keyDir, { recursive: true, force: true });
    }
  }, 150_000);
});
