// The wizard's pure parts: the site form's round trip through the YAML document, the
// language catalogs, the plain (non-terminal) output, and the progress counts.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { applyValues, formProblems, valuesFromText, startingText } from '../../installer/wizard/site-form.ts';
import { availableLanguages, loadLanguage } from '../../installer/wizard/languages.ts';
import { runWizard } from '../../installer/wizard/index.ts';
import { applyEvent, chapterCounts, emptyProgress, machineCounts } from '../../installer/wizard/progress.ts';
import { canSkip } from '../../installer/wizard/skip.ts';
import { realServices } from '../../installer/wizard/real-services.ts';
import { t } from '../../src/i18n/translate.ts';
import { FIXTURE_RUNBOOK } from './harness.ts';

const SITE = `# my cloud, my comments
name: lab   # short
management: { address: 10.0.0.2, hostname: m1, ssh: { host: 127.0.0.1, port: 2201 } }
hosts:
  - { address: 10.0.0.3, hostname: k1, ssh: { host: 127.0.0.1, port: 2202 } }
  - { address: 10.0.0.4, hostname: k2 }
network: { cidr: 10.0.0.0/24, gateway: 10.0.0.1, dns: [10.0.0.1] }
ssh: { user: root, identity: ~/.ssh/id_ed25519 }
`;

describe('site form', () => {
  it('edits values in place: comments and ssh overrides stay, removed hosts go', () => {
    const values = valuesFromText(SITE);
    expect(values.hosts).toBe('10.0.0.3 k1, 10.0.0.4 k2');
    expect(values['network.dns']).toBe('10.0.0.1');
    const text = applyValues(SITE, { ...values, name: 'prod', hosts: '10.0.0.3 kvm-a', 'network.dns': '10.0.0.1, 10.0.0.9', 'ssh.identity': '' });
    expect(text).toContain('# my cloud, my comments');
    expect(text).toContain('# short');
    const site = parse(text);
    expect(site.name).toBe('prod');
    expect(site.hosts).toEqual([{ address: '10.0.0.3', hostname: 'kvm-a', ssh: { host: '127.0.0.1', port: 2202 } }]);
    expect(site.management.ssh).toEqual({ host: '127.0.0.1', port: 2201 });
    expect(site.network.dns).toEqual(['10.0.0.1', '10.0.0.9']);
    expect(site.ssh).toEqual({ user: 'root' });
  });

  it('starts a new site from the commented template and can make it all-in-one', () => {
    const base = startingText(undefined);
    const values = valuesFromText(base);
    expect(values.hosts).toBe('172.16.10.3 kvm1');
    const text = applyValues(base, { ...values, hosts: '' });
    expect(parse(text).hosts).toEqual([]);
    expect(text).toContain('# how the installer logs in to every machine');
    expect(parse(text).cloudstack.version).toBe('4.22');
  });

  it('says when a KVM host is written without its name', () => {
    const values = { ...valuesFromText(SITE), hosts: '10.0.0.3' };
    expect(formProblems(values, 'site.yaml').map((p) => p.message)).toEqual(['"10.0.0.3" has no host name']);
  });
});

describe('languages', () => {
  afterEach(() => loadLanguage('en'));
  it('offers every installer catalog and translates through t()', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rb-locales-'));
    mkdirSync(join(dir, 'de'));
    mkdirSync(join(dir, 'fr')); // no installer catalog: not offered
    writeFileSync(join(dir, 'de', 'installer.po'), 'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "Welcome"\nmsgstr "Willkommen"\n\n#, fuzzy\nmsgid "Quit"\nmsgstr "Beenden?"\n');
    expect(await availableLanguages(dir)).toEqual([{ code: 'en', name: 'English' }, { code: 'de', name: 'Deutsch' }]);
    await loadLanguage('de', dir);
    expect(t('Welcome')).toBe('Willkommen');
    expect(t('Quit')).toBe('Quit'); // fuzzy entries are not used
  });
});

describe('skip rule and progress', () => {
  it('never skips preflight checks, required steps or capturing steps; counts progress per chapter and machine', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rb-wizard-unit-'));
    const file = join(dir, 'site.yaml');
    writeFileSync(file, 'name: unit\nmanagement: { address: 172.16.10.2, hostname: mgmt }\nhosts:\n  - { address: 172.16.10.3, hostname: kvm1 }\n');
    const { plan } = await realServices().buildPlan({ site: file, runbook: FIXTURE_RUNBOOK });
    expect(canSkip(plan!, 'work-maybe-fail')).toEqual({ allowed: true });
    expect(canSkip(plan!, 'work-base')).toMatchObject({ allowed: false, reason: 'work-after require it' });
    expect(canSkip(plan!, 'preflight-marker').allowed).toBe(false);
    let p = emptyProgress(0);
    p = applyEvent(p, { type: 'step-start', id: 'work-folder', host: 'kvm1', title: 'Make the work folder' }, plan);
    p = applyEvent(p, { type: 'step-end', id: 'preflight-marker', host: 'kvm1', status: 'ok', ms: 1 }, plan);
    p = applyEvent(p, { type: 'step-end', id: 'preflight-second', host: 'kvm1', status: 'failed', ms: 1 }, plan);
    expect(chapterCounts(plan!, p)).toEqual([
      { name: 'Preflight checks', done: 2, total: 4, failed: 1, running: false },
      { name: 'Prepare', done: 0, total: 8, failed: 0, running: true },
    ]);
    expect(machineCounts(plan!, p).find((m) => m.name === 'kvm1')).toEqual({ name: 'kvm1', done: 2, total: 5, failed: 1, running: true });
  });
});

describe('without a terminal', () => {
  it('prints what will be built and the plan as plain lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rb-wizard-plain-'));
    const file = join(dir, 'site.yaml');
    writeFileSync(file, 'name: plain\nmanagement: { address: 172.16.10.2, hostname: mgmt }\nhosts:\n  - { address: 172.16.10.3, hostname: kvm1 }\n');
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => (text += c.toString()));
    const code = await runWizard({ site: file, runbook: FIXTURE_RUNBOOK, stdin: new PassThrough() as unknown as NodeJS.ReadStream, stdout: out as unknown as NodeJS.WriteStream });
    expect(code).toBe(0);
    expect(text).toContain('│ kvm1');
    expect(text).toContain('Prepare: 5 steps (mgmt 5, kvm1 3)');
    expect(text).toContain('This is not a terminal');
    expect(text).not.toContain('\u001B[');
  });
});
