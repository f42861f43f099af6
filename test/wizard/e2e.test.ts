// End to end through every real part: the wizard drives the executor over loopback sshd
// hosts for the shell steps and the installer's CloudStack client against the API simulator
// for the zone chapter's api steps; the done screen shows the password the run generated and
// `runbook verify` as the simulator answers it.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClientKey, startHosts, type ClientKey, type FakeHost } from '../helpers/sshd.ts';
import { startSimulator, type Simulator } from '../simulator/server.ts';
import { FIXTURE_RUNBOOK, KEY, startWizard, writeLoopbackSite } from './harness.ts';

const ZONE_PAGE = new URL('../fixtures/zone/zone.mdx', import.meta.url).pathname;

let key: ClientKey;
let hosts: FakeHost[];
let sim: Simulator;
let runbook: string;

beforeAll(async () => {
  key = makeClientKey();
  hosts = await startHosts(['mgmt', 'kvm1'], key, 135);
  sim = await startSimulator({ delays: { jobMs: 40, hostUpMs: 100, systemVmStartMs: 200, agentUpMs: 100 } });
  // The wizard's harmless pages plus the zone chapter, after them in sidebar order.
  runbook = mkdtempSync(join(tmpdir(), 'rb-wizard-runbook-'));
  for (const page of ['preflight.mdx', 'work.mdx']) copyFileSync(join(FIXTURE_RUNBOOK, page), join(runbook, page));
  writeFileSync(join(runbook, 'zone.mdx'), readFileSync(ZONE_PAGE, 'utf8').replace(/order: 1/, 'order: 3'));
});
afterAll(async () => {
  for (const h of hosts ?? []) h.cleanup();
  await sim?.close();
  if (key) rmSync(key.dir, { recursive: true, force: true });
  if (runbook) rmSync(runbook, { recursive: true, force: true });
});

describe('wizard end to end (sshd hosts + API simulator)', () => {
  it('runs shell and api steps and verifies the simulated cloud on the done screen', async () => {
    const site = writeLoopbackSite(hosts, key);
    appendFileSync(site.siteFile, `cloudstack: { endpoint: ${sim.endpoint} }\n`);
    // A tall terminal: at 24 rows the done screen folds passed checks into one counted line.
    const wizard = startWizard({ siteFile: site.siteFile, runbookDir: runbook, rows: 40 });
    try {
      await wizard.waitFor('kvm1');
      await wizard.press(KEY.enter);
      await wizard.waitFor('Site file:');
      await wizard.press(KEY.ctrlS);
      for (let i = 0; i < 2; i++) {
        await wizard.waitFor('First contact with');
        await wizard.press('y');
      }
      await wizard.waitFor('All 2 machine(s) answered');
      await wizard.press(KEY.enter);
      await wizard.waitFor('All checks passed');
      await wizard.press(KEY.enter);
      const plan = await wizard.waitFor('Estimated time');
      expect(plan).toMatch(/Build the zone\s+16\s+·\s+·\s+16/);
      await wizard.press(KEY.enter);
      await wizard.waitFor('zone enabled', 90_000);
      const state = JSON.parse(readFileSync(join(site.dir, '.runbook', 'state.json'), 'utf8'));
      await wizard.press('p');
      const frame = await wizard.waitFor(state.secrets.ADMIN_PASSWORD);
      expect(frame).toContain(`http://127.0.0.1:${sim.port}/client`);
      expect(frame).toContain('simulated');
      expect(frame).toMatch(/✔ ok\s+zone enabled: Zone1 \(Enabled\)/);
      // The admin password the run set is the one the simulator now accepts.
      expect(sim.cloud.users[0]!.password).toBe(state.secrets.ADMIN_PASSWORD);
    } finally {
      wizard.unmount();
      rmSync(site.work, { recursive: true, force: true });
    }
  });
});
