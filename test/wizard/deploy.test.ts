// The wizard walked from welcome to done against real sshd hosts on loopback and the real
// executor: site validation as typed, host key confirmation, a failing preflight check, a
// failed step retried after the fix, and the done screen with the generated password.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

describe('wizard deploy over SSH', () => {
  it('walks every screen: validation, host keys, preflight failure, step failure with retry, done', async () => {
    const site = writeLoopbackSite(hosts, key);
    const wizard = startWizard({ siteFile: site.siteFile, runbookDir: FIXTURE_RUNBOOK });
    try {
      // 1. Welcome: the machines drawn from the site file, three ways on.
      let frame = await wizard.waitFor('kvm1');
      expect(frame).toContain('mgmt');
      expect(frame).toContain('Deploy to my machines over SSH');
      expect(frame).toContain('Preview the plan without touching anything');
      await wizard.press(KEY.enter);

      // 2. Site: a bad gateway gets the message `runbook check` gives, at once.
      await wizard.waitFor('Site file:');
      await wizard.press(KEY.down, KEY.down, KEY.down);
      await wizard.waitFor('› Gateway');
      await wizard.type('x');
      frame = await wizard.waitFor('is not an IPv4 address');
      expect(frame).toContain('"172.16.10.1x" is not an IPv4 address');
      expect(frame).toContain("Fix: write the gateway's address");
      // A gateway inside a range: the range's field is marked, and its message is shown here.
      await wizard.press(KEY.backspace, KEY.backspace);
      await wizard.type('25');
      frame = await wizard.waitFor('zone.pod: 172.16.10.21-172.16.10.30 contains 172.16.10.25, used by network.gateway');
      expect(frame).not.toContain('is not an IPv4 address');
      await wizard.press(KEY.ctrlS);
      await wizard.waitFor('problem(s) to fix before going on');
      expect(wizard.frame()).toContain('› Pod range');
      await wizard.press(...Array<string>(9).fill(KEY.up));
      await wizard.waitFor('› Gateway');
      await wizard.press(KEY.backspace, KEY.backspace);
      await wizard.type('1');
      await wizard.waitFor((f) => !f.includes('✖'));
      await wizard.press(KEY.ctrlS);

      // 3. Connect: first contact asks about each host key; accepting records it.
      frame = await wizard.waitFor('First contact with');
      expect(frame).toMatch(/SHA256:[A-Za-z0-9+/]{43}/);
      await wizard.press('y');
      await wizard.waitFor((f) => (f.match(/key recorded/g) ?? []).length === 1);
      await wizard.waitFor('First contact with');
      await wizard.press('y');
      frame = await wizard.waitFor('All 2 machine(s) answered');
      const knownHosts = readFileSync(join(site.dir, '.runbook', 'known_hosts'), 'utf8');
      expect(knownHosts.trim().split('\n')).toHaveLength(2);
      // The operator's comment survived the save.
      expect(readFileSync(site.siteFile, 'utf8')).toContain('# loopback test site');

      // 4. Preflight: a failing check blocks the way on and shows its fix.
      writeFileSync(join(site.work, 'preflight-fail-kvm1'), '');
      await wizard.press(KEY.enter);
      frame = await wizard.waitFor('check(s) failed');
      expect(frame).toContain('FAIL');
      expect(frame).toContain('the marker for kvm1 says this check fails');
      expect(frame).toContain(`Fix: remove ${join(site.work, 'preflight-fail-kvm1')}`);
      expect(frame).toContain('warn');
      await wizard.press(KEY.enter);
      expect(wizard.frame()).toContain('check(s) failed');
      rmSync(join(site.work, 'preflight-fail-kvm1'));
      await wizard.press('r');
      await wizard.waitFor('All checks passed');

      // 5. Plan: chapters with step counts per machine.
      await wizard.press(KEY.enter);
      frame = await wizard.waitFor('Estimated time');
      expect(frame).toMatch(/Prepare\s+5\s+5\s+3/);

      // 6-7. Run, a failure with everything needed, then retry after the fix.
      writeFileSync(join(site.work, 'fail-kvm1'), '');
      await wizard.press(KEY.enter);
      frame = await wizard.waitFor('A step failed');
      expect(frame).toContain('work-maybe-fail');
      expect(frame).toMatch(/Host\s+kvm1/);
      expect(frame).toMatch(/Exit code\s+3/);
      expect(frame).toContain('the failure marker is there');
      expect(frame).toContain('/work/#work-maybe-fail');
      expect(frame).toContain('Skip it for this run');
      expect(frame.replace(/\s+/g, ' ')).toContain(`runbook install --site ${site.siteFile} --runbook ${FIXTURE_RUNBOOK}`);
      rmSync(join(site.work, 'fail-kvm1'));
      await wizard.press(KEY.enter);

      // 8. Done: the UI address, the generated password on request, and where it is kept.
      frame = await wizard.waitFor('CloudStack UI', 60_000);
      const state = JSON.parse(readFileSync(join(site.dir, '.runbook', 'state.json'), 'utf8'));
      expect(frame).toContain('http://172.16.10.2:8080/client');
      expect(frame).not.toContain(state.secrets.ADMIN_PASSWORD);
      await wizard.press('p');
      frame = await wizard.waitFor(state.secrets.ADMIN_PASSWORD);
      expect(frame).toContain('state.json');
      expect(frame).toContain('Could not verify');
      expect(existsSync(join(site.work, 'kvm1', 'done'))).toBe(true);
      await wizard.press('q');
      await wizard.waitFor(() => wizard.exitCode() !== undefined);
      expect(wizard.exitCode()).toBe(0);
    } finally {
      wizard.unmount();
      rmSync(site.work, { recursive: true, force: true });
    }
  });
});
