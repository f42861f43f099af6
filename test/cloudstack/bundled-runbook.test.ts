// The runbook that ships (docs/src/content/docs): its api steps run against the simulator,
// and a second run changes nothing. Guards the zone chapter's cmk lines and this client
// against each other.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRunbook } from '../../src/runbook/load.ts';
import { buildPlan } from '../../src/plan/build.ts';
import { siteSchema } from '../../src/site-file/schema.ts';
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

  it('finds the system VM template registered and ready right after secondary storage is added', () => {
    const templates = sim.cloud.objects.template.filter((t) => t.templatetype === 'SYSTEM');
    expect(templates.map((t) => [t.name, t.hypervisor, t.isready])).toEqual([
      ['systemvm-kvm-4.22.0-x86_64', 'KVM', true],
    ]);
    const apis = sim.requests.map((r) => r.api);
    expect(apis.indexOf('listTemplates')).toBeGreaterThan(apis.indexOf('addImageStore'));
    expect(apis.indexOf('listTemplates')).toBeLessThan(apis.indexOf('updateZone'));
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

describe('the bundled runbook when the system VM template fails to register', () => {
  let sim: Simulator;
  const { runbook } = loadRunbook();
  const plan = buildPlan(siteSchema.parse({}), runbook, '/nonexistent/site.yaml');

  beforeAll(async () => {
    sim = await startSimulator({ delays: { jobMs: 20 } });
    // The package lacks its template: upstream logs the failure and addImageStore still succeeds.
    sim.cloud.systemVmTemplateMissing = true;
  });
  afterAll(async () => sim?.close());

  const creds = new MemoryCredentials();
  let captured: Record<string, string> = {};

  it('stops at the template check with a clear failure, before enabling the zone', async () => {
    const run = await runApiSteps(plan, sim.endpoint, creds);
    captured = run.captured;
    const last = run.results.at(-1)!;
    expect(last.id).toBe('systemvm-template');
    expect(last.result.status).toBe('failed');
    expect(last.result.message).toContain(
      '`list templates templatefilter=system zoneid=${ZONE_ID} hypervisor=KVM isready=true` found nothing',
    );
    expect(last.result.message).toContain('docs: https://runbook.example/zone/#systemvm-template');
    expect(run.results.find((r) => r.id === 'secondary-storage')!.result.status).toBe('changed');
    expect(sim.cloud.log).toContain(
      'Failed to register system VM template for hypervisor: KVM x86_64',
    );
    expect(sim.cloud.objects.zone[0]!.allocationstate).not.toBe('Enabled');
    expect(sim.cloud.objects.systemvm).toEqual([]);
  });

  it('and enabling the zone anyway starts no system VM: without a template upstream never does', async () => {
    const run = await runApiSteps(
      plan,
      sim.endpoint,
      creds,
      captured,
      (s) => s.id === 'zone-enable',
    );
    expect(run.results.map((r) => r.result.status)).toEqual(['changed']);
    await new Promise((r) => setTimeout(r, 1000));
    sim.cloud.advance();
    expect(sim.cloud.objects.zone[0]!.allocationstate).toBe('Enabled');
    expect(sim.cloud.objects.systemvm).toEqual([]);
  });
});
