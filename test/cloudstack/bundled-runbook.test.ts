// The runbook that ships (docs/src/content/docs): its api steps run against the simulator,
// and a second run changes nothing. Guards the zone chapter's cmk lines and this client
// against each other.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../simulator/server.ts';
import { MemoryCredentials, bundledPlan, runApiSteps } from './harness.ts';

describe('the bundled runbook’s api steps against the simulator', () => {
  let sim: Simulator;
  const plan = bundledPlan();
  const apiSteps = plan.steps.filter((s) => s.on === 'api');
  const creds = new MemoryCredentials();

  beforeAll(async () => {
    sim = await startSimulator({ delays: { jobMs: 20 } });
  });
  afterAll(async () => sim?.close());

  it('has api steps to run', () => {
    expect(apiSteps.length).toBeGreaterThan(5);
  });

  it('builds a zone with every KVM host', async () => {
    const run = await runApiSteps(plan, sim.endpoint, creds);
    const bad = run.results.filter(
      (r) => r.result.status === 'failed' || r.result.status === 'blocked',
    );
    expect(bad, JSON.stringify(bad, null, 2)).toEqual([]);
    expect(run.results).toHaveLength(apiSteps.length);
    expect(sim.cloud.objects.zone).toHaveLength(1);
    expect(sim.cloud.objects.zone[0]!.allocationstate).toBe('Enabled');
    expect(
      sim.cloud.objects.host.filter((h) => h.type === 'Routing').map((h) => h.ipaddress),
    ).toEqual(['172.16.10.3', '172.16.10.4']);
  });

  it('changes nothing the second time', async () => {
    const before = sim.requests.length;
    const run = await runApiSteps(plan, sim.endpoint, creds);
    expect(run.results.map((r) => `${r.id}=${r.result.status}`)).toEqual(
      apiSteps.map((s) => `${s.id}=ok`),
    );
    expect(
      sim.requests
        .slice(before)
        .map((r) => r.api)
        .filter((a) => /^(create|add|update|configure|register)/.test(a)),
    ).toEqual([]);
  });
});
