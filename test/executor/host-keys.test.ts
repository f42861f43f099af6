// Host keys: unknown hosts are refused without a yes, recorded with one, and a changed key
// stops the run naming the host and both fingerprints, even with --yes.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { install, makeSite, startCluster, type Cluster, type Site } from './cluster.ts';

let cluster: Cluster;
let site: Site;
beforeAll(async () => {
  cluster = await startCluster(60);
  site = makeSite(cluster, 'k', 2);
});
afterAll(() => {
  site?.cleanup();
  cluster?.stop();
});

function fingerprintOf(dir: string): string {
  return execFileSync('ssh-keygen', ['-lf', join(dir, 'ssh_host_ed25519_key.pub')])
    .toString()
    .split(' ')[1]!;
}

describe('host keys', () => {
  it('asks on first contact, records keys with --yes, and refuses a changed key', async () => {
    const [mgmt, kvm1] = cluster.hosts;
    const refused = await install(site);
    expect(refused.exitCode).toBe(1);
    expect(refused.stdout).toContain(`is not known yet (host key ${fingerprintOf(mgmt!.dir)})`);
    expect(refused.stdout).toContain('--yes');

    const accepted = await install(site, ['--yes']);
    expect(accepted.exitCode).toBe(0);
    const knownHosts = join(site.dir, '.runbook', 'known_hosts');
    const recorded = readFileSync(knownHosts, 'utf8');
    expect(recorded.trim().split('\n')).toHaveLength(2);
    expect(recorded).toContain(`[${kvm1!.address}]:${kvm1!.port} ssh-ed25519 `);

    const before = fingerprintOf(kvm1!.dir);
    kvm1!.newHostKey();
    await kvm1!.restart();
    const after = fingerprintOf(kvm1!.dir);
    const changed = await install(site, ['--yes', '--only', 'host-identity']);
    expect(changed.exitCode).toBe(1);
    expect(changed.stdout).toContain(
      `the host key of kvm1 ([${kvm1!.address}]:${kvm1!.port}) has CHANGED: recorded ${before}, now ${after}`,
    );
    expect(readFileSync(knownHosts, 'utf8')).toBe(recorded);
  });
});
