// The connect screen's refusals against real sshd: a changed host key is refused without a
// question, a closed port says what to try, and a preview never contacts anything.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, makeClientKey, startHosts, type ClientKey, type FakeHost } from '../helpers/sshd.ts';
import { explainContactError } from '../../installer/wizard/connect-errors.ts';
import { FIXTURE_RUNBOOK, KEY, startWizard, writeLoopbackSite } from './harness.ts';

let key: ClientKey;
let hosts: FakeHost[];

beforeAll(async () => {
  key = makeClientKey();
  hosts = await startHosts(['mgmt', 'kvm1'], key, 125);
});
afterAll(() => {
  for (const h of hosts ?? []) h.cleanup();
  if (key) rmSync(key.dir, { recursive: true, force: true });
});

/** Records a freshly made key for `host` in the site's known_hosts, as if the machine had been reinstalled; returns the file. */
function recordOtherKey(siteDir: string, host: FakeHost, name: string): string {
  const other = join(key.dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
  const [type, blob] = readFileSync(`${other}.pub`, 'utf8').split(' ');
  const knownHosts = join(siteDir, '.runbook', 'known_hosts');
  mkdirSync(join(siteDir, '.runbook'), { recursive: true });
  writeFileSync(knownHosts, `[${host.address}]:${host.port} ${type} ${blob}\n`);
  return knownHosts;
}

describe('wizard connect screen', () => {
  it('refuses a changed host key and explains a closed port', async () => {
    const [mgmt, kvm1] = hosts as [FakeHost, FakeHost];
    const closed = await freePort(kvm1.address);
    const site = writeLoopbackSite(hosts, key);
    writeFileSync(site.siteFile, readFileSync(site.siteFile, 'utf8').replace(`port: ${kvm1.port}`, `port: ${closed}`));
    // known_hosts already holds another key for mgmt: a reinstalled machine, or an impostor.
    recordOtherKey(site.dir, mgmt, 'other_host_key');

    const wizard = startWizard({ siteFile: site.siteFile, runbookDir: FIXTURE_RUNBOOK });
    try {
      await wizard.waitFor('kvm1');
      await wizard.press(KEY.enter);
      await wizard.waitFor('Site file:');
      await wizard.press(KEY.ctrlS);
      const frame = await wizard.waitFor((f) => (f.match(/FAILED/g) ?? []).length === 2);
      expect(frame).not.toContain('First contact');
      expect(frame).toContain('has CHANGED');
      expect(frame).toContain('not the one recorded before');
      expect(frame).toContain(`Nothing listens on ${kvm1.address} port ${closed}`);
      expect(frame).toContain('R try again');
      // The way on stays closed; Esc goes back to the site.
      await wizard.press(KEY.enter);
      expect(wizard.frame()).toContain('has CHANGED');
      await wizard.press(KEY.escape);
      await wizard.waitFor('Site file:');
    } finally {
      wizard.unmount();
      rmSync(site.work, { recursive: true, force: true });
    }
  });

  it('gives the whole fix for a changed host key: the command that forgets it, then R and a new first contact', async () => {
    const [mgmt] = hosts as [FakeHost, FakeHost];
    const site = writeLoopbackSite(hosts, key);
    const knownHosts = recordOtherKey(site.dir, mgmt, 'other_host_key_2');
    const wizard = startWizard({ siteFile: site.siteFile, runbookDir: FIXTURE_RUNBOOK });
    try {
      await wizard.waitFor('kvm1');
      await wizard.press(KEY.enter);
      await wizard.waitFor('Site file:');
      await wizard.press(KEY.ctrlS);
      await wizard.waitFor('First contact with kvm1');
      await wizard.press('y');
      const frame = await wizard.waitFor('has CHANGED');
      const command = `ssh-keygen -R '[${mgmt.address}]:${mgmt.port}' -f ${knownHosts}`;
      // On a line of its own, whole: it is meant to be copied.
      expect(frame.split('\n').map((l) => l.trim())).toContain(command);
      execFileSync('bash', ['-c', command], { stdio: 'ignore' });
      await wizard.press('r');
      await wizard.waitFor('First contact with mgmt');
      await wizard.press('y');
      await wizard.waitFor('All 2 machine(s) answered');
    } finally {
      wizard.unmount();
      rmSync(site.work, { recursive: true, force: true });
    }
  });

  it('previews the plan without contacting or creating anything', async () => {
    const site = writeLoopbackSite(hosts, key);
    const original = readFileSync(site.siteFile, 'utf8');
    const wizard = startWizard({ siteFile: site.siteFile, runbookDir: FIXTURE_RUNBOOK });
    try {
      await wizard.waitFor('kvm1');
      await wizard.press(KEY.down, KEY.down, KEY.enter);
      await wizard.waitFor('Site file:');
      await wizard.press(KEY.ctrlS);
      const frame = await wizard.waitFor('Plan (preview)');
      expect(frame).toContain('Nothing was contacted, written or changed');
      expect(frame).toMatch(/Preflight checks\s+2\s+2\s+2/);
      expect(frame).toContain('Nothing has run on this site before.');
      expect(existsSync(join(site.dir, '.runbook'))).toBe(false);
      // Nothing was changed in the form: the file keeps its exact bytes.
      expect(readFileSync(site.siteFile, 'utf8')).toBe(original);
      await wizard.press(KEY.enter);
      expect(wizard.frame()).toContain('Plan (preview)');
      await wizard.press('q');
      await wizard.waitFor(() => wizard.exitCode() !== undefined);
      expect(wizard.exitCode()).toBe(0);
    } finally {
      wizard.unmount();
      rmSync(site.work, { recursive: true, force: true });
    }
  });

  it('says what to try when the login is refused', async () => {
    const site = writeLoopbackSite(hosts, key);
    writeFileSync(site.siteFile, readFileSync(site.siteFile, 'utf8').replace('user: root', 'user: nosuchuser'));
    const wizard = startWizard({ siteFile: site.siteFile, runbookDir: FIXTURE_RUNBOOK });
    try {
      await wizard.waitFor('kvm1');
      await wizard.press(KEY.enter);
      await wizard.waitFor('Site file:');
      await wizard.press(KEY.ctrlS);
      for (let i = 0; i < 2; i++) {
        await wizard.waitFor('First contact with');
        await wizard.press('y');
      }
      const screen = await wizard.waitFor((f) => (f.match(/FAILED/g) ?? []).length === 2);
      const frame = screen.replace(/\s+/g, ' '); // long hints wrap
      expect(frame).toContain('The machine refused the login: is the user nosuchuser right');
      expect(frame).toContain(`is the public key of ${key.privateKey} in ~nosuchuser/.ssh/authorized_keys`);
    } finally {
      wizard.unmount();
      rmSync(site.work, { recursive: true, force: true });
    }
  });
});

describe('contact errors', () => {
  const machine = { name: 'kvm1', address: '172.16.10.3', role: 'kvm' as const, ssh: { host: '10.9.9.9', port: 22, user: 'root', identity: '/k' } };
  it('tells an unreachable host from a closed port and an unknown name', () => {
    const error = (code: string, message: string) => Object.assign(new Error(message), { code });
    expect(explainContactError(error('ETIMEDOUT', 'connect ETIMEDOUT 10.9.9.9:22'), machine).hint).toContain('10.9.9.9 does not answer');
    expect(explainContactError(new Error('Timed out while waiting for handshake'), machine).hint).toContain('does not answer');
    expect(explainContactError(error('EHOSTUNREACH', 'connect EHOSTUNREACH'), machine).hint).toContain('does not answer');
    expect(explainContactError(error('ECONNREFUSED', 'connect ECONNREFUSED'), machine).hint).toContain('Nothing listens on 10.9.9.9 port 22');
    expect(explainContactError(error('ENOTFOUND', 'getaddrinfo ENOTFOUND'), machine).hint).toContain('does not resolve');
  });
});
