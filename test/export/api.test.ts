// The API chapter of both exports against the CloudStack API simulator (not a real
// CloudStack): the zone fixture builds the zone, and a second run creates nothing.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../simulator/server.ts';
import {
  ansiblePlaybook,
  exportTo,
  makeSite,
  startCluster,
  vaultArgs,
  type Cluster,
  type TestSite,
} from './harness.ts';

const ZONE_RUNBOOK = fileURLToPath(new URL('../fixtures/zone', import.meta.url));
const MUTATING = /^(create|add|update|configure|register|enable|delete)/;

let cluster: Cluster | undefined;
const sims: Simulator[] = [];
const sites: TestSite[] = [];
afterEach(async () => {
  for (const s of sims.splice(0)) await s.close();
});
afterAll(() => {
  for (const s of sites) s.cleanup();
  cluster?.stop();
});

async function setup(): Promise<{ sim: Simulator; site: TestSite; adminPassword: () => string }> {
  cluster ??= await startCluster(['mgmt', 'kvm1', 'kvm2'], 90);
  const sim = await startSimulator({
    delays: { jobMs: 40, hostUpMs: 100, systemVmStartMs: 200, agentUpMs: 100 },
  });
  sims.push(sim);
  const site = makeSite(cluster, [`cloudstack: { endpoint: "${sim.endpoint}" }`]);
  sites.push(site);
  const adminPassword = () =>
    (
      JSON.parse(readFileSync(join(site.dir, '.runbook', 'state.json'), 'utf8')) as {
        secrets: Record<string, string>;
      }
    ).secrets.ADMIN_PASSWORD!;
  return { sim, site, adminPassword };
}

function expectZoneBuilt(sim: Simulator, adminPassword: string): void {
  expect(sim.cloud.users[0]!.password).toBe(adminPassword);
  expect(sim.cloud.objects.zone.map((z) => z.name)).toEqual(['Zone1']);
  expect(sim.cloud.objects.zone[0]!.allocationstate).toBe('Enabled');
  expect(
    sim.cloud.objects.host.filter((h) => h.type === 'Routing').map((h) => h.ipaddress),
  ).toEqual(['172.16.10.3', '172.16.10.4']);
  expect(sim.cloud.objects.traffictype.map((t) => t.traffictype).sort()).toEqual([
    'Guest',
    'Management',
    'Public',
  ]);
}

describe('the API chapter', () => {
  it('Ansible: the bundled module builds the zone, and a second run reports no changes', async () => {
    const { sim, site, adminPassword } = await setup();
    const dir = await exportTo(site, 'ansible', ZONE_RUNBOOK);
    const first = await ansiblePlaybook(dir, join(site.dir, 'done'), vaultArgs(site));
    expect(first.code, first.output).toBe(0);
    expectZoneBuilt(sim, adminPassword());
    expect(first.output).not.toContain(adminPassword());

    const before = sim.requests.length;
    const second = await ansiblePlaybook(dir, join(site.dir, 'done'), vaultArgs(site));
    expect(second.code, second.output).toBe(0);
    expect(second.recap.mgmt, second.output).toMatchObject({ changed: 0, failed: 0 });
    expect(sim.requests.slice(before).filter((r) => MUTATING.test(r.api))).toEqual([]);
    expect(sim.cloud.objects.zone).toHaveLength(1);
  }, 240_000);

  it('bash: the management script builds the zone, and a second run creates nothing', async () => {
    const { sim, site, adminPassword } = await setup();
    const dir = await exportTo(site, 'bash', ZONE_RUNBOOK);
    const env = {
      ...process.env,
      RUNBOOK_STATE_DIR: join(site.dir, 'state'),
      RUNBOOK_KVM_READY: 'yes',
    };
    const first = await execa('bash', [join(dir, 'management.sh'), '--host', 'mgmt'], {
      env,
      reject: false,
      stdin: 'ignore',
    });
    expect(first.exitCode, `${first.stdout}\n${first.stderr}`).toBe(0);
    expectZoneBuilt(sim, adminPassword());
    expect(`${first.stdout}${first.stderr}`).not.toContain(adminPassword());

    const before = sim.requests.length;
    const second = await execa('bash', [join(dir, 'management.sh'), '--host', 'mgmt'], {
      env,
      reject: false,
      stdin: 'ignore',
    });
    expect(second.exitCode, `${second.stdout}\n${second.stderr}`).toBe(0);
    expect(sim.requests.slice(before).filter((r) => MUTATING.test(r.api))).toEqual([]);
    expect(sim.cloud.objects.zone).toHaveLength(1);
  }, 120_000);
});
