// The fixture zone chapter against the simulator: built once, run again changing nothing,
// verified, and verify failing clearly when a host goes Down.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../simulator/server.ts';
import { CloudStackClient } from '../../src/cloudstack/client.ts';
import { verifyCloud, formatReport } from '../../src/cloudstack/verify.ts';
import { run as verifyCommand } from '../../installer/commands/verify.ts';
import { run as apiCommand } from '../../installer/commands/api.ts';
import {
  ADMIN_PASSWORD,
  MemoryCredentials,
  eventually,
  fixturePlan,
  runApiSteps,
} from './harness.ts';

const MUTATING = /^(create|add|update|configure|register|enable|delete)/;

describe('zone chapter against the simulator', () => {
  let sim: Simulator;
  const plan = fixturePlan();
  const creds = new MemoryCredentials();
  let captured: Record<string, string> = {};

  beforeAll(async () => {
    sim = await startSimulator({
      delays: { jobMs: 40, hostUpMs: 100, systemVmStartMs: 200, agentUpMs: 100 },
    });
  });
  afterAll(async () => sim?.close());

  it('builds the zone on the first run', async () => {
    const run = await runApiSteps(plan, sim.endpoint, creds);
    const failed = run.results.filter(
      (r) => r.result.status === 'failed' || r.result.status === 'blocked',
    );
    expect(failed, JSON.stringify(failed)).toEqual([]);
    expect(run.results.map((r) => r.id)).toEqual(
      plan.steps.filter((s) => s.on === 'api').map((s) => s.id),
    );
    expect(run.results.filter((r) => r.result.status === 'changed').map((r) => r.id)).toContain(
      'zone-create',
    );
    captured = run.captured;
    expect(captured.ZONE_ID).toBe(sim.cloud.objects.zone[0]!.id);
    expect(Object.keys(captured)).toEqual(
      expect.arrayContaining([
        'ADMIN_USER_ID',
        'ZONE_ID',
        'PHYSICAL_NETWORK_ID',
        'VR_PROVIDER_ID',
        'VR_ELEMENT_ID',
        'POD_ID',
        'CLUSTER_ID',
      ]),
    );
    // the admin password is the generated one now, and keys were kept
    expect(sim.cloud.users[0]!.password).toBe(ADMIN_PASSWORD);
    expect(creds.keys?.apiKey).toBe(sim.cloud.users[0]!.apikey);
    // one line per KVM host ran for addHost
    expect(
      sim.cloud.objects.host.filter((h) => h.type === 'Routing').map((h) => h.ipaddress),
    ).toEqual(['172.16.10.3', '172.16.10.4']);
    expect(sim.cloud.objects.traffictype.map((t) => t.traffictype).sort()).toEqual([
      'Guest',
      'Management',
      'Public',
    ]);
    expect(sim.cloud.objects.zone[0]!.allocationstate).toBe('Enabled');
    expect(
      sim.cloud.objects.configuration.find((c) => c.name === 'secstorage.allowed.internal.sites')!
        .value,
    ).toBe('172.16.10.0/24');
    // the step log says it talked to a simulator, and never shows the secrets
    expect(run.log.join('\n')).toContain('[simulated]');
    for (const secret of [ADMIN_PASSWORD, creds.keys!.secretKey])
      expect(run.log.join('\n')).not.toContain(secret);
  });

  it('changes nothing on the second run', async () => {
    const before = sim.requests.length;
    // system VMs (and their agents) appear on the simulator's own clock once the zone is enabled
    const made = () =>
      Object.fromEntries(
        Object.entries(sim.cloud.objects)
          .filter(([k]) => k !== 'systemvm')
          .map(([k, v]) => [
            k,
            v.filter((o) => o.type === undefined || o.type === 'Routing').length,
          ]),
      );
    const counts = made();
    // a second run starts from the captured values of the first, as a resumed install does
    const run = await runApiSteps(plan, sim.endpoint, creds);
    expect(run.results).toHaveLength(plan.steps.filter((s) => s.on === 'api').length);
    expect(run.results.map((r) => r.result.status)).toEqual(run.results.map(() => 'ok'));
    expect(run.log.join('\n')).toContain('createZone: already there (Zone1), nothing to do');
    const sent = sim.requests.slice(before).map((r) => r.api);
    expect(sent.filter((api) => MUTATING.test(api))).toEqual([]);
    expect(made()).toEqual(counts);
    expect(run.captured.ZONE_ID).toBe(captured.ZONE_ID);
    expect(run.captured.CLUSTER_ID).toBe(captured.CLUSTER_ID);
  });

  it('passes verify once the system VMs are up', async () => {
    const client = new CloudStackClient({ endpoint: sim.endpoint, keys: creds.keys });
    const report = await eventually(
      () => verifyCloud(client, { zoneName: 'Zone1' }),
      (r) => r.ok,
    );
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.checks.map((c) => c.check)).toEqual(
      expect.arrayContaining([
        'zone enabled',
        'host Up',
        'primary storage Up',
        'secondary storage',
        'secondary storage VM Running',
        'console proxy VM agent Up',
      ]),
    );
    expect(report.simulated).toBe(true);
    expect(formatReport(report)).toContain('all checks passed');

    const out: string[] = [];
    const code = await verifyCommand({
      endpoint: sim.endpoint,
      apiKey: creds.keys!.apiKey,
      secretKey: creds.keys!.secretKey,
      json: true,
      out: (t) => out.push(t),
    });
    expect(code).toBe(0);
    const json = JSON.parse(out.join(''));
    expect(json).toMatchObject({ type: 'verify', ok: true, simulated: true });
  });

  it('fails verify with a clear message when a host is Down', async () => {
    sim.cloud.hostsDown.add('172.16.10.4');
    try {
      const out: string[] = [];
      const code = await verifyCommand({
        endpoint: sim.endpoint,
        apiKey: creds.keys!.apiKey,
        secretKey: creds.keys!.secretKey,
        out: (t) => out.push(t),
      });
      expect(code).toBe(1);
      const text = out.join('');
      expect(text).toMatch(/KVM host\s+172\.16\.10\.4 \(172\.16\.10\.4\)\s+Down\s+NOT OK/);
      expect(text).toContain('1 check not ok');
      expect(text).toContain('systemctl status cloudstack-agent');
      expect(text).toContain('[simulated]');
    } finally {
      sim.cloud.hostsDown.clear();
    }
  });

  it('makes one signed call with `runbook api`, printing JSON', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await apiCommand({
      args: ['list', 'zones', 'name=Zone1'],
      endpoint: sim.endpoint,
      apiKey: creds.keys!.apiKey,
      secretKey: creds.keys!.secretKey,
      out: (t) => out.push(t),
      err: (t) => err.push(t),
    });
    expect(code).toBe(0);
    expect(JSON.parse(out.join(''))).toMatchObject([{ name: 'Zone1', allocationstate: 'Enabled' }]);
    expect(err.join('')).toContain('[simulated]');

    const err2: string[] = [];
    const code2 = await apiCommand({
      args: ['createPod', 'zoneid=no-such-zone', 'name=p2'],
      endpoint: sim.endpoint,
      apiKey: creds.keys!.apiKey,
      secretKey: creds.keys!.secretKey,
      out: () => {},
      err: (t) => err2.push(t),
    });
    expect(code2).toBe(1);
    expect(err2.join('')).toMatch(
      /createPod failed: CloudStack error 431 \(parameter error\), parameter "zoneid"/,
    );
  });
});
