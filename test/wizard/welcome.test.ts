// The welcome screen's other ways: a broken site file, the language choice, the local lab.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { setCatalog } from '../../src/i18n/translate.ts';
import { FIXTURE_RUNBOOK, KEY, startWizard } from './harness.ts';

const tempSite = (text: string) => {
  const file = join(mkdtempSync(join(tmpdir(), 'rb-wizard-welcome-')), 'site.yaml');
  writeFileSync(file, text);
  return file;
};

afterEach(() => setCatalog('en', undefined));

describe('wizard welcome', () => {
  it('says a site file is broken, then shows the problem at its field', async () => {
    const file = tempSite('name: broken\nnetwork: { cidr: 172.16.10.0/24, gateway: 172.16.99.1 }\n');
    const wizard = startWizard({ siteFile: file, runbookDir: FIXTURE_RUNBOOK });
    try {
      let frame = await wizard.waitFor('problem(s); you can fix them on the next screen');
      await wizard.press(KEY.enter);
      frame = await wizard.waitFor('Site file:');
      expect(frame).toMatch(/✖\s+Gateway\s+172\.16\.99\.1/);
      await wizard.press(KEY.down, KEY.down, KEY.down);
      frame = await wizard.waitFor('› Gateway');
      expect(frame).toContain('172.16.99.1 is not a usable address in the network 172.16.10.0/24');
      expect(frame).toContain('Fix: pick an address inside 172.16.10.0/24');
    } finally {
      wizard.unmount();
    }
  });

  it('does not say "no other translations" before it has looked for them', async () => {
    const file = tempSite('name: lang\n');
    let found: (list: { code: string; name: string }[]) => void = () => {};
    const wizard = startWizard({
      siteFile: file,
      runbookDir: FIXTURE_RUNBOOK,
      services: { languages: () => new Promise((resolve) => (found = resolve)) },
    });
    try {
      let frame = await wizard.waitFor('How do you want to go on?');
      expect(frame).toContain('Language: English');
      expect(frame).not.toContain('no other translations installed');
      found([{ code: 'en', name: 'English' }, { code: 'ja', name: '日本語' }]);
      frame = await wizard.waitFor('L language');
      expect(frame).not.toContain('no other translations installed');
    } finally {
      wizard.unmount();
    }
  });

  it('switches language with L when a catalog is installed', async () => {
    const file = tempSite('name: lang\n');
    const wizard = startWizard({
      siteFile: file,
      runbookDir: FIXTURE_RUNBOOK,
      services: {
        languages: async () => [{ code: 'en', name: 'English' }, { code: 'de', name: 'Deutsch' }],
        setLanguage: async (code) => setCatalog(code, code === 'de' ? new Map([['How do you want to go on?', 'Wie soll es weitergehen?']]) : undefined),
      },
    });
    try {
      await wizard.waitFor('L language');
      await wizard.press('l');
      await wizard.waitFor('Deutsch');
      await wizard.press(KEY.down, KEY.enter);
      const frame = await wizard.waitFor('Wie soll es weitergehen?');
      expect(frame).toContain('Language: Deutsch');
    } finally {
      wizard.unmount();
    }
  });

  it('starts the local lab and goes on with the site file it writes', async () => {
    const labSite = tempSite('# written by the lab\nname: lab\nmanagement: { address: 172.16.10.2, hostname: lab-mgmt, ssh: { host: 127.0.0.1, port: 2222 } }\nhosts: []\n');
    const messages: string[] = [];
    const wizard = startWizard({
      siteFile: tempSite('name: start\n'),
      runbookDir: FIXTURE_RUNBOOK,
      services: {
        labPlan: async () => ({ machines: ['cloudstack-mgmt'], memoryMb: 4096, availableMb: 2048, dir: '/srv/lab' }),
        labUp: async (onProgress) => {
          for (const m of ['building the base image', 'booting lab-mgmt']) {
            onProgress(m);
            messages.push(m);
            await new Promise((r) => setTimeout(r, 150));
          }
          return { siteFile: labSite };
        },
      },
    });
    try {
      await wizard.waitFor('Try it in a local lab');
      await wizard.press(KEY.down, KEY.enter);
      // Nothing starts before a yes that knows what it costs.
      const question = await wizard.waitFor('Start the lab?');
      expect(question).toContain('This starts 1 VM(s) (cloudstack-mgmt) with 4096 MB (4 GB) of memory each');
      expect(question).toContain('This machine has 2048 MB available now.');
      expect(question).toContain('less than the VMs need');
      expect(question).toContain('/srv/lab');
      expect(messages).toEqual([]);
      await wizard.press('y');
      await wizard.waitFor('booting lab-mgmt');
      const frame = await wizard.waitFor('Site file:');
      expect(frame).toContain(labSite);
      expect(frame).toMatch(/Management name\s+lab-mgmt/);
      expect(frame).toMatch(/KVM hosts\s+\(empty\)/);
    } finally {
      wizard.unmount();
    }
  });
});
