// The runbook that ships (docs/src/content/docs): its api steps run against the simulator,
// and a second run changes nothing. Guards the zone chapter's cmk lines and this client
// against each other.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../simulator/server.ts';
import { CloudStackClient } from '../../src/cloudstack/client.ts';
import { formatReport, verifyCloud } from '../../src/cloudstack/verify.ts';
import { siteSchema } from '../../src/site-file/schema.ts';
import { siteVariables } from '../../src/site-file/variables.ts';
import { substitute } from '../../src/runbook/variable-refs.ts';
import { MemoryCredentials, bundledPlan, eventually, runApiSteps } from './harness.ts';

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
  // The default site: an all-in-one cloud (no KVM host besides the management server).
  const plan = bundledPlan([]);

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

describe('the verify chapter’s sample of `runbook verify`', () => {
  let sim: Simulator;
  // The default site: one machine, the management server, is the cloud's KVM host.
  const site = siteSchema.parse({});
  const variables = siteVariables(site);

  beforeAll(async () => {
    sim = await startSimulator({
      delays: { jobMs: 20, hostUpMs: 100, systemVmStartMs: 200, agentUpMs: 100 },
    });
    sim.cloud.hostnames.set(site.management.address, site.management.hostname);
  });
  afterAll(async () => sim?.close());

  it('is what it prints for the cloud the bundled runbook builds on the default site', async () => {
    const creds = new MemoryCredentials();
    const run = await runApiSteps(bundledPlan([]), sim.endpoint, creds);
    expect(run.results.filter((r) => r.result.status === 'failed')).toEqual([]);
    const client = new CloudStackClient({ endpoint: sim.endpoint, keys: creds.keys });
    const report = await eventually(
      () => verifyCloud(client, { zoneName: site.zone.name }),
      (r) => r.ok,
    );
    // The page shows a real cloud's answer: the same table without the simulator's label line
    // (the zone chapter test holds that a simulated report carries it).
    const printed = formatReport({ ...report, simulated: false });
    const sample = sampleAfter(readFileSync(VERIFY_PAGE, 'utf8'), 'runbook verify');
    expect(substitute(sample, variables)).toBe(printed);
    // a row fits an 80-column terminal (the installer ISO's console is one)
    expect(printed.split('\n').filter((line) => line.length > 80)).toEqual([]);
    // personalised: the page names the site's values, not the defaults written out
    expect(sample).toContain('${MGMT_HOSTNAME} (${MGMT_IP})');
  });
});

const VERIFY_PAGE = new URL('../../docs/src/content/docs/verify.mdx', import.meta.url).pathname;

/** The ```text output block that follows the by-hand block running `command`. */
function sampleAfter(page: string, command: string): string {
  const blocks = [...page.matchAll(/^```(\w+)([^\n]*)\n([\s\S]*?)^```$/gm)];
  const at = blocks.findIndex((b) => /\bnorun\b/.test(b[2]!) && b[3]!.includes(command));
  const next = blocks[at + 1];
  if (at < 0 || !next || !/\boutput\b/.test(next[2]!))
    throw new Error(`no output block after the by-hand \`${command}\` in ${VERIFY_PAGE}`);
  return next[3]!;
}
