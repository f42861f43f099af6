// A newcomer's first minutes with the real program in tmux (80×24 unless said): a site file
// with a YAML error, typing in the form as in any terminal, the help key, Esc where a person
// expects it, the step indicator, a preview that writes nothing, names whole on a wide screen.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Terminal, killTmuxServer } from './terminal.ts';
import { YAML_ALIAS_BOMB } from '../fixtures/yaml-alias-bomb.ts';

const SOCKET = `rb-first-${process.pid}`;
afterAll(() => killTmuxServer(SOCKET));

function siteIn(text: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'rb-first-contact-'));
  const file = join(dir, 'site.yaml');
  writeFileSync(file, text);
  return { dir, file };
}

const SITE = 'name: first\nmanagement: { address: 172.16.10.2, hostname: cloudstack-mgmt }\nhosts:\n  - { address: 172.16.10.3, hostname: kvm-host-one }\n';

// No SSH key and no agent: a test that goes on to the connect screen fails there before any
// packet leaves, whatever addresses the site file names.
const HOME = mkdtempSync(join(tmpdir(), 'rb-first-home-'));
const ENV = `-u SSH_AUTH_SOCK HOME=${HOME}`;

/** Sessions, each killed after its test. */
const sessions: Terminal[] = [];
const open = (name: string, file: string, options: ConstructorParameters<typeof Terminal>[3] = {}) => {
  const term = new Terminal(SOCKET, name, file, { env: ENV, ...options });
  sessions.push(term);
  return term;
};
afterAll(() => sessions.forEach((s) => s.kill()));

describe('a site file with a YAML error', () => {
  const cases = [
    { name: 'tab', text: 'name: demo\nnetwork:\n\tcidr: 172.16.10.0/24\n', says: 'indented with tabs (line(s) 3); YAML allows only spaces', line: '3 │ \\tcidr: 172.16.10.0/24' },
    { name: 'duplicate', text: 'name: a\nname: b\n', says: '"name" is written twice in the same mapping', line: '2 │ name: b' },
    {
      name: 'aliases',
      text: `${YAML_ALIAS_BOMB}name: bomb\n`,
      says: 'YAML aliases expand too far',
      line: '1 │ a: &a',
    },
  ];
  for (const c of cases) {
    it(`shows the problem (${c.name}) and lets the operator start from the defaults, never a stack trace`, async () => {
      const { dir, file } = siteIn(c.text);
      const term = open(`yaml-${c.name}`, file);
      await term.waitFor('How do you want to go on?');
      term.keys('Enter');
      let screen = await term.waitFor('The form cannot edit');
      term.fits(screen, 'Site');
      expect(screen).toContain(c.says);
      expect(screen).toContain(c.line);
      expect(screen).toContain('R read the file again · D start from the defaults');
      expect(screen).not.toMatch(/ERROR|cannot be stringified|node_modules/);
      term.keys('d');
      screen = await term.waitFor('Starting from the defaults');
      expect(screen).toMatch(/Management IP\s+172\.16\.10\.2/);
      term.keys('C-s');
      await term.waitFor('Connect');
      // The operator's file is kept beside the new one, byte for byte.
      expect(readFileSync(join(dir, 'site.yaml.broken'), 'utf8')).toBe(c.text);
      expect(parse(readFileSync(file, 'utf8')).management.address).toBe('172.16.10.2');
      term.keys('C-c');
      await term.waitFor('EXIT=130');
    });
  }

  it('reads the file again after it was fixed in an editor', async () => {
    const { file } = siteIn('name: a\nname: b\n');
    const term = open('yaml-reread', file);
    await term.waitFor('How do you want to go on?');
    term.keys('Enter');
    await term.waitFor('"name" is written twice');
    writeFileSync(file, SITE);
    term.keys('r');
    const screen = await term.waitFor('Site file:');
    expect(screen).toMatch(/Site name\s+first/);
    expect(screen).toMatch(/KVM hosts\s+172\.16\.10\.3 kvm-host-one/);
  });
});

describe('the form', () => {
  it('edits as a terminal does: control keys never land in a field', async () => {
    const { file } = siteIn(SITE);
    const term = open('keys', file);
    await term.waitFor('How do you want to go on?');
    term.keys('Enter');
    await term.waitFor('› Site name');
    for (let i = 0; i < 10; i++) term.keys('Down');
    await term.waitFor(/› Zone name\s+Zone1/);
    term.keys('C-u');
    term.type('Labzone-x junk');
    term.keys('C-w');
    // A held Backspace: the bytes arrive together.
    term.tmux('send-keys', '-t', term.name, 'BSpace', 'BSpace');
    await term.waitFor(/› Zone name\s+Labzone-\s*$/m);
    term.keys('Home');
    term.type('My');
    term.keys('End');
    term.type('2');
    term.keys('Left', 'Left', 'Delete');
    term.keys('C-a');
    term.type('A');
    term.keys('C-e');
    term.type('b');
    term.keys('BSpace');
    await term.waitFor(/› Zone name\s+AMyLabzone2\s*$/m);
    term.keys('C-s');
    await term.waitFor('Connect');
    expect(parse(readFileSync(file, 'utf8')).zone.name).toBe('AMyLabzone2');
    term.keys('C-c');
    await term.waitFor('EXIT=130');
  });

  it('has a help key: ? on a screen, F1 while typing in a field, Esc closes it', async () => {
    const { file } = siteIn(SITE);
    const term = open('help', file);
    await term.waitFor('How do you want to go on?');
    term.keys('?');
    let screen = await term.waitFor('Keys on this screen');
    term.fits(screen, 'Welcome');
    expect(screen).toContain('L language');
    expect(screen).toContain('Ctrl-C: quit');
    term.keys('Escape');
    await term.waitFor('How do you want to go on?');
    term.keys('Enter');
    screen = await term.waitFor('› Site name');
    expect(screen).toContain('F1 help');
    // In a field `?` is text; F1 is help there.
    term.type('?');
    await term.waitFor(/› Site name\s+first\?/);
    term.keys('F1');
    screen = await term.waitFor('Keys on this screen');
    term.fits(screen, 'Site');
    expect(screen).toContain('Ctrl-U, Ctrl-K: delete to the start, to the end of the field');
    term.keys('Escape');
    await term.waitFor(/› Site name\s+first\?/);
    term.keys('C-c');
    await term.waitFor('EXIT=130');
  });

  it('closes the language picker with Esc, keeping the language', async () => {
    const { file } = siteIn(SITE);
    const term = open('language', file);
    // The hint names L once the catalogs are found.
    await term.waitFor('L language');
    term.keys('l');
    await term.waitFor('日本語');
    term.keys('Down');
    term.keys('Escape');
    const screen = await term.waitFor('Language: English');
    expect(screen).not.toContain('日本語');
    expect(screen).toContain('How do you want to go on?');
    term.keys('C-c');
    await term.waitFor('EXIT=130');
  });

  it('says which step this is and asks before Esc discards edits', async () => {
    const { file } = siteIn(SITE);
    const original = readFileSync(file, 'utf8');
    const term = open('esc', file);
    await term.waitFor('How do you want to go on?');
    term.keys('Enter');
    let screen = await term.waitFor('› Site name');
    expect(screen.split('\n')[0]).toMatch(/Site\s+Step 2 of 7$/);
    // Nothing edited: Esc goes straight back.
    term.keys('Escape');
    await term.waitFor('How do you want to go on?');
    term.keys('Enter');
    await term.waitFor('› Site name');
    term.type('x');
    await term.waitFor(/› Site name\s+firstx/);
    term.keys('Escape');
    screen = await term.waitFor('Discard your changes and go back?');
    term.fits(screen, 'Site');
    term.keys('n');
    await term.waitFor(/› Site name\s+firstx/);
    term.keys('Escape');
    await term.waitFor('Discard your changes and go back?');
    term.keys('y');
    await term.waitFor('How do you want to go on?');
    expect(readFileSync(file, 'utf8')).toBe(original);
    term.keys('C-c');
    await term.waitFor('EXIT=130');
  });
});

describe('preview', () => {
  it('writes nothing, even with a value changed, and shows the plan with it', async () => {
    const { dir, file } = siteIn(`# my comment\n${SITE}`);
    const original = readFileSync(file, 'utf8');
    const term = open('preview', file);
    await term.waitFor('How do you want to go on?');
    term.keys('Down', 'Down', 'Enter');
    await term.waitFor('› Site name');
    term.type('-previewed');
    await term.waitFor(/› Site name\s+first-previewed/);
    term.keys('C-s');
    let screen = await term.waitFor('Plan (preview)');
    expect(readFileSync(file, 'utf8')).toBe(original);
    expect(readdirSync(dir)).toEqual(['site.yaml']);
    expect(screen).toContain('Site first-previewed:');
    expect(screen.split('\n')[0]).toMatch(/Step 3 of 3$/);
    expect(screen).toContain('Nothing was contacted, written or changed');
    term.keys('Escape');
    screen = await term.waitFor('› Site name');
    expect(screen).toContain('the file is not written');
    // The edit is still there (held in memory), and still not written.
    expect(screen).toMatch(/› Site name\s+first-previewed/);
    expect(readFileSync(file, 'utf8')).toBe(original);
    term.keys('C-c');
    await term.waitFor('EXIT=130');
  });

  it('shows machine names whole on a wide terminal', async () => {
    const { file } = siteIn(SITE);
    const term = open('wide', file, { columns: 160, rows: 40 });
    await term.waitFor('How do you want to go on?');
    term.keys('Down', 'Down', 'Enter');
    await term.waitFor('› Site name');
    term.keys('C-s');
    const screen = await term.waitFor('Plan (preview)');
    const header = screen.split('\n').find((l) => l.startsWith('Chapter'))!;
    expect(header).toContain('cloudstack-mgmt');
    expect(header).toContain('kvm-host-one');
    expect(screen).not.toContain('…');
    term.keys('q');
    await term.waitFor('EXIT=0');
  });
});
