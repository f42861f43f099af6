// A site grown from one KVM host to two, then shrunk back, on loopback sshd hosts with the API
// chapter against the simulator. `runbook plan` says beforehand what will run where; the install
// runs exactly that: every step on the new host, the steps elsewhere whose content changed with
// the machine list (hosts file, exports), and one addHost, nothing else created. Taking the host
// out of the site file removes nothing, anywhere, and says what is left to the operator.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../simulator/server.ts';
import {
  makeSite,
  siteFileText,
  startCluster,
  type Cluster,
  type Site,
} from '../executor/cluster.ts';
import {
  SIMULATOR_DELAYS,
  hostFile,
  plannedTasks,
  runInstall,
  runPlan,
  started,
  key,
} from './harness.ts';

let cluster: Cluster;
let sim: Simulator;
let site: Site;

beforeAll(async () => {
  cluster = await startCluster(248);
  sim = await startSimulator({ delays: SIMULATOR_DELAYS });
  site = makeSite(cluster, 'g', 2, sim.endpoint);
});
afterAll(async () => {
  site?.cleanup();
  cluster?.stop();
  await sim?.close();
});

const resize = (count: number) =>
  writeFileSync(site.file, siteFileText(cluster, site.name, count, sim.endpoint));
const changingCalls = (from: number) =>
  sim.requests
    .slice(from)
    .map((r) => r.api)
    .filter((a) => /^(create|add|update|delete|remove|register|prepare|cancel)/.test(a));
const hostAddresses = () => sim.cloud.objects.host.map((h) => String(h.ipaddress)).sort();
const toRun = () =>
  plannedTasks(site)
    .filter((t) => t.action === 'run')
    .map(key)
    .sort();

describe('adding a KVM host to a running cloud', () => {
  it('runs what the plan said: the new host, the changed steps elsewhere, one addHost', async () => {
    const first = await runInstall(site);
    expect(first.code, first.text).toBe(0);
    expect(hostAddresses()).toEqual(['172.16.10.3']);
    expect(toRun()).toEqual([]);

    resize(3);
    const planned = plannedTasks(site);
    const runs = planned.filter((t) => t.action === 'run');
    expect(runs.map(key).sort()).toEqual(
      [
        ...['base-dirs', 'hosts-file', 'agent-package', 'agent-config', 'note'].map(
          (id) => `${id}@kvm2`,
        ),
        'hosts-file@mgmt',
        'hosts-file@kvm1',
        'exports@mgmt',
        'hosts-add@api',
      ].sort(),
    );
    expect(runs.filter((t) => t.host === 'kvm2').every((t) => t.why === 'new-host')).toBe(true);
    const text = runPlan(site, false);
    expect(text).toMatch(/kvm2\s+new machine: runs all 5 of its steps/);
    expect(text).toMatch(/hosts-file\s+CLOUD_MACHINES changed, which its check does not look at/);
    expect(text).toMatch(/exports\s+KVM_HOST_IPS changed\n/);
    expect(text).toMatch(
      /hosts-add\s+1 call\(s\) added: addHost hypervisor=KVM url=http:\/\/172\.16\.10\.4 username=root\n/,
    );

    const before = sim.requests.length;
    const grown = await runInstall(site);
    expect(grown.code, grown.text).toBe(0);
    expect(started(grown)).toEqual(runs.map(key).sort());
    expect(changingCalls(before)).toEqual(['addHost']);
    expect(hostAddresses()).toEqual(['172.16.10.3', '172.16.10.4']);
    // The hosts file on the old machines was rewritten although its check passed.
    for (const host of ['mgmt', 'kvm1', 'kvm2'])
      expect(hostFile(site, host, 'etc/hosts')).toContain('172.16.10.4 kvm2.');
    expect(hostFile(site, 'mgmt', 'etc/exports')).toBe('/export/primary 172.16.10.3 172.16.10.4\n');
    expect(toRun()).toEqual([]);
  });

  it('taking the host out of the site file removes nothing and says what is left to do', async () => {
    resize(2);
    const planText = runPlan(site, false);
    expect(planText).toContain('kvm2: in the journal but no longer in the site file');
    expect(planText).toContain('maintenance mode');
    expect(planText).toContain('https://cloudstack-runbook.github.io/day-two/#remove-a-kvm-host');
    expect(plannedTasks(site).some((t) => t.host === 'kvm2')).toBe(false);

    const before = sim.requests.length;
    const shrunk = await runInstall(site);
    expect(shrunk.code, shrunk.text).toBe(0);
    expect(shrunk.events[0]).toMatchObject({ type: 'plan', leftHosts: ['kvm2'] });
    expect(started(shrunk)).toEqual([
      'exports@mgmt',
      'hosts-add@api',
      'hosts-file@kvm1',
      'hosts-file@mgmt',
    ]);
    expect(changingCalls(before)).toEqual([]);
    expect(hostAddresses()).toEqual(['172.16.10.3', '172.16.10.4']);
    // Nothing was done to the machine that left.
    expect(hostFile(site, 'kvm2', 'etc/hosts')).toContain('172.16.10.4 kvm2.');

    const lines = await runInstall(site, [], false);
    expect(lines.text).toContain('kvm2: in the journal but no longer in the site file');
  });
});
