// "Check my cloud": the wizard's way to `install --recheck`. A cloud installed by the CLI on
// real sshd hosts drifts on one machine (a step's file removed by hand); the wizard's check
// finds it, re-runs only that step there, and says so on the done screen.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClientKey, startHosts, type ClientKey, type FakeHost } from '../helpers/sshd.ts';
import { FIXTURE_RUNBOOK, KEY, startWizard, writeLoopbackSite } from './harness.ts';

let key: ClientKey;
let hosts: FakeHost[];

beforeAll(async () => {
  key = makeClientKey();
  hosts = await startHosts(['mgmt', 'kvm1'], key, 120);
});
afterAll(() => {
  for (const h of hosts ?? []) h.cleanup();
  if (key) rmSync(key.dir, { recursive: true, force: true });
});

describe('wizard: check my cloud', () => {
  it('finds the drifted machine, re-runs only its drifted step and reports it', async () => {
    const site = writeLoopbackSite(hosts, key);
    try {
      const installed = await execa(
        process.execPath,
        [
          'installer/bin/runbook.js',
          'install',
          '--site',
          site.siteFile,
          '--runbook',
          FIXTURE_RUNBOOK,
          '--yes',
        ],
        { reject: false, env: { NO_COLOR: '1' } },
      );
      expect(installed.exitCode, installed.stdout + installed.stderr).toBe(0);
      const kvmDone = join(site.work, 'kvm1', 'done');
      const mgmtDone = join(site.work, 'mgmt', 'done');
      expect(existsSync(kvmDone)).toBe(true);
      rmSync(kvmDone); // drift on kvm1 only

      const wizard = startWizard({ siteFile: site.siteFile, runbookDir: FIXTURE_RUNBOOK });
      try {
        await wizard.waitFor('Check my cloud');
        await wizard.press(KEY.down, KEY.down, KEY.down);
        await wizard.waitFor('❯ Check my cloud');
        await wizard.press(KEY.enter);
        let frame = await wizard.waitFor('Site file:');
        expect(frame).toContain('Step 2 of 5');
        await wizard.press(KEY.ctrlS);
        // The host keys were recorded by the install: no question, every machine answers.
        frame = await wizard.waitFor('All 2 machine(s) answered');
        await wizard.press(KEY.enter);
        frame = await wizard.waitFor('Checked again:', 60_000);
        expect(frame).toMatch(/Checked again: \d+ still done, 1 drifted and re-run/);
        expect(existsSync(kvmDone)).toBe(true);
        await wizard.press('q');
        await wizard.waitFor(() => wizard.exitCode() !== undefined);
        expect(wizard.exitCode()).toBe(0);
      } finally {
        wizard.unmount();
      }
      // The journal now says the check ran: status shows when each machine was last checked.
      const status = await execa(
        process.execPath,
        [
          'installer/bin/runbook.js',
          'status',
          '--site',
          site.siteFile,
          '--runbook',
          FIXTURE_RUNBOOK,
        ],
        { reject: false, env: { NO_COLOR: '1' } },
      );
      expect(status.stdout).toMatch(/checked/i);
      expect(existsSync(mgmtDone)).toBe(true);
    } finally {
      rmSync(site.work, { recursive: true, force: true });
      rmSync(site.dir, { recursive: true, force: true });
    }
  });
});
