// The API chapters of both exports against the CloudStack API simulator (not a real
// CloudStack): `runbook install`, the exported playbook (the ngine_io.cloudstack modules and
// python3-cs from Debian) and the exported management script (python3-cs's cs command) each
// build the zone on a fresh simulator, and the three clouds hold the same objects with the same
// fields. A second run changes nothing. Done for the zone test runbook and for the bundled
// runbook's own zone chapter.
import { execa } from 'execa';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTIONS, shown } from '../simulator/model.ts';
import { startSimulator, type Simulator } from '../simulator/server.ts';
import {
  ansiblePlaybook,
  exportTo,
  install,
  makeSite,
  startCluster,
  vaultArgs,
  type Cluster,
  type TestSite,
} from './harness.ts';

const ZONE_RUNBOOK = fileURLToPath(new URL('../fixtures/zone', import.meta.url));
const DOCS = fileURLToPath(new URL('../../docs/src/content/docs', import.meta.url));
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

/**
 * The simulated cloud as a comparable record: every object of every collection with its
 * fields, ids replaced by `collection#n` (creation order), creation times dropped. System VMs
 * and their agents start on the simulator's clock, and a host's state moves with it: left out.
 */
function cloudOf(sim: Simulator): Record<string, Record<string, unknown>[]> {
  const labels = new Map<string, string>();
  for (const c of COLLECTIONS)
    sim.cloud.objects[c].forEach((o, i) => labels.set(o.id, `${c}#${i}`));
  const relabel = (v: unknown): unknown =>
    typeof v === 'string' && labels.has(v) ? labels.get(v) : Array.isArray(v) ? v.map(relabel) : v;
  const out: Record<string, Record<string, unknown>[]> = {};
  for (const c of COLLECTIONS) {
    if (c === 'systemvm') continue;
    out[c] = sim.cloud.objects[c]
      .filter((o) => c !== 'host' || o.type === 'Routing')
      .map((o) => {
        const { created: _created, ...fields } = shown(o);
        if (c === 'host') delete fields.state;
        return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, relabel(v)]));
      });
  }
  return out;
}

function expectZoneBuilt(
  sim: Simulator,
  adminPassword: string,
  hosts = ['172.16.10.3', '172.16.10.4'],
): void {
  expect(sim.cloud.users[0]!.password).toBe(adminPassword);
  expect(sim.cloud.objects.zone.map((z) => z.name)).toEqual(['Zone1']);
  expect(sim.cloud.objects.zone[0]!.allocationstate).toBe('Enabled');
  expect(
    sim.cloud.objects.host.filter((h) => h.type === 'Routing').map((h) => h.ipaddress),
  ).toEqual(hosts);
  expect(sim.cloud.objects.traffictype.map((t) => t.traffictype).sort()).toEqual([
    'Guest',
    'Management',
    'Public',
  ]);
}

async function management(dir: string, site: TestSite) {
  const env = {
    ...process.env,
    RUNBOOK_STATE_DIR: join(site.dir, 'state'),
    RUNBOOK_KVM_READY: 'yes',
  };
  const r = await execa('bash', [join(dir, 'management.sh'), '--host', 'mgmt'], {
    env,
    reject: false,
    stdin: 'ignore',
  });
  return { code: r.exitCode, output: `${r.stdout}\n${r.stderr}` };
}

/** The bundled runbook's zone chapter alone: its steps' `requires` on other chapters dropped. */
function bundledZoneChapter(dir: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'zone.mdx'),
    readFileSync(join(DOCS, 'zone.mdx'), 'utf8').replace(/ requires="[^"]*"/g, ''),
  );
  return dir;
}

for (const [label, runbookOf] of [
  ['the zone test runbook', () => ZONE_RUNBOOK],
  ['the bundled zone chapter', (site: TestSite) => bundledZoneChapter(join(site.dir, 'runbook'))],
] as const) {
  describe(`the API steps of ${label}`, () => {
    let installed: Record<string, Record<string, unknown>[]>;

    beforeAll(async () => {
      const { sim, site, adminPassword } = await setup();
      const run = await install(site, runbookOf(site), true);
      expect(run.code, run.output).toBe(0);
      expectZoneBuilt(sim, adminPassword());
      installed = cloudOf(sim);
      await sim.close();
    }, 240_000);

    it('Ansible: the collection builds the zone runbook install builds, and a second run reports no changes', async () => {
      const { sim, site, adminPassword } = await setup();
      const dir = await exportTo(site, 'ansible', runbookOf(site));
      const first = await ansiblePlaybook(dir, join(site.dir, 'done'), vaultArgs(site));
      expect(first.code, first.output).toBe(0);
      expectZoneBuilt(sim, adminPassword());
      expect(cloudOf(sim)).toEqual(installed);
      expect(first.output).not.toContain(adminPassword());
      expect(first.output).toMatch(/TASK \[\w+ : Create the (Advanced )?zone\]/);

      const before = sim.requests.length;
      const second = await ansiblePlaybook(dir, join(site.dir, 'done'), vaultArgs(site));
      expect(second.code, second.output).toBe(0);
      expect(second.recap.mgmt, second.output).toMatchObject({ changed: 0, failed: 0 });
      expect(sim.requests.slice(before).filter((r) => MUTATING.test(r.api))).toEqual([]);
      expect(cloudOf(sim)).toEqual(installed);

      // On the built cloud, --check looks at every object through the modules and finds nothing to do.
      const dry = await ansiblePlaybook(dir, join(site.dir, 'done'), [
        '--check',
        ...vaultArgs(site),
      ]);
      expect(dry.code, dry.output).toBe(0);
      expect(dry.recap.mgmt, dry.output).toMatchObject({ changed: 0, failed: 0 });
      expect(dry.output).toMatch(/TASK \[\w+ : Add (every|the) KVM host/);
      expect(sim.requests.slice(before).filter((r) => MUTATING.test(r.api))).toEqual([]);
    }, 400_000);

    it('Ansible --check on a fresh cloud reports what would change, and sends nothing that changes it', async () => {
      const { sim, site } = await setup();
      const dir = await exportTo(site, 'ansible', runbookOf(site));
      const dry = await ansiblePlaybook(dir, join(site.dir, 'done'), [
        '--check',
        ...vaultArgs(site),
      ]);
      expect(dry.code, dry.output).toBe(0);
      expect(dry.recap.mgmt?.changed, dry.output).toBeGreaterThan(0);
      expect(sim.requests.filter((r) => MUTATING.test(r.api))).toEqual([]);
      expect(sim.cloud.objects.zone).toEqual([]);
      expect(sim.cloud.users[0]!.password).toBe('password');
    }, 300_000);

    it('bash: the management script builds the same zone through cs, and a second run creates nothing', async () => {
      const { sim, site, adminPassword } = await setup();
      const dir = await exportTo(site, 'bash', runbookOf(site));
      const first = await management(dir, site);
      expect(first.code, first.output).toBe(0);
      expectZoneBuilt(sim, adminPassword());
      expect(cloudOf(sim)).toEqual(installed);
      expect(first.output).not.toContain(adminPassword());
      expect(readFileSync(join(dir, 'management.sh'), 'utf8')).toMatch(/^cs_call\(\) \{/m);

      const before = sim.requests.length;
      const second = await management(dir, site);
      expect(second.code, second.output).toBe(0);
      expect(sim.requests.slice(before).filter((r) => MUTATING.test(r.api))).toEqual([]);
      expect(cloudOf(sim)).toEqual(installed);
    }, 240_000);
  });
}
