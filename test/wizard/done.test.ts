// The done screen with the real doneInfo: the admin password from the state file and the
// `runbook verify` table, asked of the CloudStack API simulator (and said to be simulated).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WizardServices } from '../../installer/wizard/services.ts';
import { startSimulator, type Simulator } from '../simulator/server.ts';
import { FIXTURE_RUNBOOK, KEY, startWizard } from './harness.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ port: 0 });
  Object.assign(sim.cloud.users[0]!, { apikey: 'wizard-api-key', secretkey: 'wizard-secret-key' });
});
afterAll(() => sim?.close());

describe('wizard done screen', () => {
  it('shows the UI address, the generated password, blocked steps and the verify table from the simulator', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rb-wizard-done-'));
    const siteFile = join(dir, 'site.yaml');
    writeFileSync(siteFile, `name: done\nmanagement: { address: 172.16.10.2, hostname: mgmt }\nhosts: []\nzone: { name: ZoneW }\ncloudstack: { endpoint: ${sim.endpoint} }\n`);
    mkdirSync(join(dir, '.runbook'), { mode: 0o700 });
    const secrets = { ADMIN_PASSWORD: 'Admin-Pass-From-State', CLOUDSTACK_API_KEY: 'wizard-api-key', CLOUDSTACK_SECRET_KEY: 'wizard-secret-key' };
    writeFileSync(join(dir, '.runbook', 'state.json'), JSON.stringify({ secrets, captured: {} }), { mode: 0o600 });
    const engine: Partial<WizardServices> = {
      contactHost: async (_plan, m) => ({ name: m.name, target: 'root@test:22', state: 'connected' }),
      preflight: async () => [],
      earlierRun: async () => ({ earlier: {}, lastDurations: {} }),
      install: (plan, onEvent) => {
        const counts = { ok: 1, changed: 0, skipped: 0, failed: 0, blocked: 1 };
        const blockedSteps = [{ id: 'management-install', host: 'mgmt', reason: 'the CloudStack repository is not reachable from mgmt' }];
        const summary = { type: 'summary' as const, ms: 10, counts, ...counts, notRun: 0, result: 'completed' as const, failures: [], blockedSteps, simulatedSteps: 0 };
        onEvent({ type: 'plan', site: plan.siteName, hosts: ['mgmt'], steps: [] });
        const done = Promise.resolve().then(() => (onEvent(summary), summary));
        return { stop: () => {}, done };
      },
    };
    const wizard = startWizard({ siteFile, runbookDir: FIXTURE_RUNBOOK, services: engine });
    try {
      await wizard.waitFor('all-in-one');
      await wizard.press(KEY.enter);
      await wizard.waitFor('Site file:');
      await wizard.press(KEY.ctrlS);
      await wizard.waitFor('All 1 machine(s) answered');
      await wizard.press(KEY.enter);
      await wizard.waitFor('All checks passed');
      await wizard.press(KEY.enter);
      await wizard.waitFor('Enter start the installation');
      await wizard.press(KEY.enter);
      await wizard.waitFor('ZoneW');
      await wizard.press('p');
      const frame = await wizard.waitFor('Admin-Pass-From-State');
      expect(frame).toContain(`http://127.0.0.1:${sim.port}/client`);
      expect(frame).toContain(join(dir, '.runbook', 'state.json'));
      expect(frame).toContain('simulated');
      expect(frame).toMatch(/✖ FAILED\s+zone: ZoneW \(missing\)/);
      // A run with blocked steps does not claim to have run to the end.
      expect(frame).not.toContain('has run to the end');
      expect(frame).toContain('1 step(s) were blocked and did not run');
      expect(frame).toContain('management-install (mgmt): the CloudStack repository is not reachable from mgmt');
      expect(sim.requests.some((r) => r.api === 'listZones' && r.auth === 'signed')).toBe(true);
    } finally {
      wizard.unmount();
    }
  });
});
