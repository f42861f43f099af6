// The wizard does not fall over: a bug anywhere ends on a readable screen with a log file
// (never a stack trace), text from a site file never sends control characters to the
// terminal, the lab starts nothing without a yes, and the line editing rules hold key by key.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyInput } from '../../installer/wizard/text-edit.ts';
import { visibleWindow } from '../../installer/wizard/text-field.ts';
import { siteEditable } from '../../installer/wizard/site-form.ts';
import { runbookCommand } from '../../installer/wizard/hints.ts';
import { asideName } from '../../installer/wizard/real-services.ts';
import { printable } from '../../installer/wizard/printable.ts';
import { FIXTURE_RUNBOOK, KEY, startWizard } from './harness.ts';

const tempSite = (text: string) => {
  const dir = mkdtempSync(join(tmpdir(), 'rb-wizard-robust-'));
  const file = join(dir, 'site.yaml');
  writeFileSync(file, text);
  return { dir, file };
};

describe('when the wizard itself goes wrong', () => {
  it('a rendering error shows a readable screen and the log path; Q exits 1', async () => {
    const { dir, file } = tempSite('name: crash\n');
    const wizard = startWizard({
      siteFile: file,
      runbookDir: FIXTURE_RUNBOOK,
      // A broken language entry: the language picker throws while drawing it.
      services: { languages: async () => [{ code: 'en', name: 'English' }, null as never] },
    });
    try {
      await wizard.waitFor('L language');
      await wizard.press('l');
      const frame = await wizard.waitFor('Something went wrong');
      expect(frame).toContain('The wizard hit an error it does not know how to handle');
      expect(frame).not.toMatch(/node_modules|\bat \w+ \(/);
      const log = /The details are in (\S+)\./.exec(frame.replace(/\s*\n\s*/g, ' '))![1]!;
      // No state folder beside the site yet: the log goes to the temporary folder.
      expect(log.startsWith(tmpdir())).toBe(true);
      expect(existsSync(join(dir, '.runbook'))).toBe(false);
      expect(readFileSync(log, 'utf8')).toMatch(/TypeError[\s\S]*Welcome/);
      await wizard.press('q');
      await wizard.waitFor(() => wizard.exitCode() !== undefined);
      expect(wizard.exitCode()).toBe(1);
    } finally {
      wizard.unmount();
    }
  });

  it('an engine error nobody turned into a problem ends on the same screen, logged beside the site', async () => {
    const { dir, file } = tempSite('name: crash\n');
    mkdirSync(join(dir, '.runbook'));
    const wizard = startWizard({
      siteFile: file,
      runbookDir: FIXTURE_RUNBOOK,
      services: {
        checkSiteText: async () => {
          throw new Error('the site module blew up');
        },
      },
    });
    try {
      const frame = await wizard.waitFor('Something went wrong');
      expect(frame).toContain('the site module blew up');
      const log = /The details are in (\S+)\./.exec(frame.replace(/\s*\n\s*/g, ' '))![1]!;
      expect(log.startsWith(join(dir, '.runbook', 'logs', 'wizard-crash-'))).toBe(true);
      expect(readFileSync(log, 'utf8')).toContain('Error: the site module blew up');
    } finally {
      wizard.unmount();
    }
  });
});

describe('text from the site file', () => {
  it('reaches the screen with its control characters escaped', async () => {
    const { file } = tempSite('name: "\\e]0;PWNED\\a\\e[2J"\nhosts: []\n');
    const wizard = startWizard({ siteFile: file, runbookDir: FIXTURE_RUNBOOK });
    try {
      await wizard.waitFor('problem(s); you can fix them');
      await wizard.press(KEY.enter);
      const frame = await wizard.waitFor('is not a usable site name');
      expect(frame).toContain('\\e]0;PWNED\\a\\e[2J');
      expect(frame).not.toContain('\u001B]0;');
      expect(frame).not.toContain('\u0007');
    } finally {
      wizard.unmount();
    }
  });

  it('printable() leaves text and newlines, shows controls and bidi overrides as escapes', () => {
    expect(printable('kvm1 ✔ 日本')).toBe('kvm1 ✔ 日本');
    expect(printable('a\nb')).toBe('a\nb');
    expect(printable('\ta\u0007\u001B[2J\u009B\u202E')).toBe('\\ta\\a\\e[2J\\u{9b}\\u{202e}');
  });
});

describe('the local lab', () => {
  it('starts nothing when the operator says no', async () => {
    const { file } = tempSite('name: lab\n');
    let started = 0;
    const wizard = startWizard({
      siteFile: file,
      runbookDir: FIXTURE_RUNBOOK,
      services: {
        labPlan: async () => ({ machines: ['cloudstack-mgmt'], memoryMb: 4096, availableMb: 16_000, dir: '/srv/lab' }),
        labUp: async () => {
          started++;
          return { siteFile: file };
        },
      },
    });
    try {
      await wizard.waitFor('Try it in a local lab');
      await wizard.press(KEY.down, KEY.enter);
      const frame = await wizard.waitFor('Start the lab?');
      // What it will start, with the memory it takes, before anything starts.
      expect(frame).toContain('This starts 1 VM(s) (cloudstack-mgmt) with 4096 MB (4 GB) of memory each: 4096 MB in all.');
      expect(frame).toContain('This machine has 16000 MB available now.');
      expect(frame).not.toContain('less than the VMs need');
      await wizard.press('n');
      await wizard.waitFor('How do you want to go on?');
      await wizard.press(KEY.down, KEY.enter);
      await wizard.waitFor('Start the lab?');
      await wizard.press(KEY.escape);
      await wizard.waitFor('How do you want to go on?');
      expect(started).toBe(0);
    } finally {
      wizard.unmount();
    }
  });
});

describe('line editing', () => {
  const edit = (value: string, cursor: number, ...inputs: string[]) =>
    inputs.reduce((s, input) => applyInput(s, input), { value, cursor } as ReturnType<typeof applyInput>);

  it('never types a control key', () => {
    for (const key of ['\u0013', '\u000C', '\t', '\u001B', '\u0000', '\u009B']) expect(edit('10.0.0.5', 8, key).value).toBe('10.0.0.5');
    expect(edit('zone', 4, 'x\u0013').value).toBe('zonex');
  });

  it('Backspace, held or single; Delete and Ctrl-D under the cursor', () => {
    expect(edit('172.16.10.1', 11, '\u007F\u007F\u007F')).toEqual({ value: '172.16.1', cursor: 8 });
    expect(edit('abc', 0, '\u007F').value).toBe('abc');
    expect(edit('abc', 1, '\u001B[3~')).toEqual({ value: 'ac', cursor: 1 });
    expect(edit('abc', 3, '\u0004').value).toBe('abc');
  });

  it('moves like readline: Home End, Ctrl-A Ctrl-E, arrows, words', () => {
    for (const home of ['\u001B[H', '\u001BOH', '\u001B[1~', '\u0001']) expect(edit('kvm1', 4, home).cursor).toBe(0);
    for (const end of ['\u001B[F', '\u001BOF', '\u001B[4~', '\u0005']) expect(edit('kvm1', 0, end).cursor).toBe(4);
    expect(edit('kvm1', 2, '\u001B[D', '\u001B[D', '\u001B[D').cursor).toBe(0);
    expect(edit('kvm1', 2, '\u001B[C', '\u001B[C', '\u001B[C').cursor).toBe(4);
    expect(edit('10.0.0.3 kvm1', 13, '\u001B[1;5D').cursor).toBe(9);
  });

  it('Ctrl-U, Ctrl-K, Ctrl-W cut as terminals do', () => {
    expect(edit('Zone1', 5, '\u0015')).toEqual({ value: '', cursor: 0 });
    expect(edit('Zone1', 2, '\u0015')).toEqual({ value: 'ne1', cursor: 0 });
    expect(edit('Zone1', 2, '\u000B')).toEqual({ value: 'Zo', cursor: 2 });
    expect(edit('10.0.0.3 kvm1, 10.0.0.4 kvm2', 28, '\u0017')).toEqual({ value: '10.0.0.3 kvm1, 10.0.0.4 ', cursor: 24 });
    expect(edit('a b  ', 5, '\u0017').value).toBe('a ');
  });

  it('inserts at the cursor, counts characters (not UTF-16 units), submits on Enter', () => {
    expect(edit('ac', 1, 'b')).toEqual({ value: 'abc', cursor: 2 });
    expect(edit('日本', 1, '語', '\u007F')).toEqual({ value: '日本', cursor: 1 });
    expect(edit('x', 1, 'yz\rq')).toEqual({ value: 'xyz', cursor: 3, submit: true });
  });

  it('scrolls a long value to keep the cursor in view', () => {
    const chars = [...'0123456789'];
    expect(visibleWindow(chars, 10, 5)).toEqual({ start: 6, end: 10 });
    expect(visibleWindow(chars, 0, 5)).toEqual({ start: 0, end: 5 });
  });
});

describe('site files the form cannot edit', () => {
  it('are told apart from ones it can', () => {
    expect(siteEditable('name: demo\nnetwork:\n\tcidr: 172.16.10.0/24\n')).toBe(false);
    expect(siteEditable('name: a\nname: b\n')).toBe(false);
    expect(siteEditable('network: 5\n')).toBe(false);
    expect(siteEditable('- a list\n')).toBe(false);
    expect(siteEditable('')).toBe(true);
    expect(siteEditable('network:\nssh:\nhosts:\n')).toBe(true);
    expect(siteEditable('name: ok # comment\n')).toBe(true);
  });

  it('are set aside under a name not yet taken', () => {
    const taken = new Set(['/s/site.yaml.broken', '/s/site.yaml.broken.2']);
    expect(asideName('/s/site.yaml', (n) => taken.has(n))).toBe('/s/site.yaml.broken.3');
  });
});

describe('commands the wizard tells the operator to run', () => {
  it('name `runbook`, with --site only when it is not ./site.yaml', () => {
    expect(runbookCommand('install', { site: 'site.yaml' })).toBe('runbook install');
    expect(runbookCommand('install', { site: join(process.cwd(), 'site.yaml') })).toBe('runbook install');
    expect(runbookCommand('verify', { site: '/srv/my site.yaml' })).toBe(`runbook verify --site '/srv/my site.yaml'`);
    expect(runbookCommand('lab status')).toBe('runbook lab status');
  });
});
