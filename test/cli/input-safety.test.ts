// Bad or hostile input meets one clear message, through the real binary: an empty site file is
// refused naming `runbook init`; bytes from a file never act on the terminal; a reader that
// stops early gets no stack trace; init says what is wrong with where it was asked to write; a
// tab-indented file is one problem; fixes show what to write; look-alike letters are named.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeEach, describe, expect, it } from 'vitest';
import { NODE, REPO, RUNBOOK_BIN, runbookCli } from '../helpers/cli.ts';

const GOOD_RUNBOOK = join(REPO, 'test/fixtures/runbook-good');
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'runbook-input-'));
});

const write = (name: string, text: string) => writeFileSync(join(dir, name), text);
const cli = (args: string[]) => runbookCli([...args, '--runbook', GOOD_RUNBOOK], { cwd: dir });
/** Bytes a terminal obeys: ESC, BEL, CR, other C0 and C1 controls, bidirectional overrides. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const TERMINAL_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('an empty site file', () => {
  for (const [what, text] of [
    ['empty', ''],
    ['comments only', '# my site\n\n   # nothing yet\n'],
    ['a bare document marker', '---\n'],
  ] as const) {
    it(`(${what}) is refused naming runbook init, for check, plan and install`, async () => {
      write('site.yaml', text);
      for (const command of ['check', 'plan', 'install']) {
        const r = await cli([command]);
        expect(r.exitCode, command).toBe(2);
        expect(r.stderr).toBe(
          'site.yaml: the site file is empty: it names no machines or addresses Fix: write one with the defaults and their explanations: runbook init --force, then edit the addresses\n1 problem found; nothing was changed.',
        );
      }
      expect(readdirSync(dir)).toEqual(['site.yaml']);
    });
  }

  it('names --site in the fix when the file is not the default one', async () => {
    write('lab.yaml', '# later\n');
    const r = await cli(['check', '--site', 'lab.yaml']);
    expect(r.stderr).toContain('runbook init --force --site lab.yaml');
  });
});

describe('bytes from a file never act on the terminal', () => {
  it('shows control and bidirectional characters of a site file escaped', async () => {
    write('site.yaml', 'name: "\\e]0;PWNED\\a\\e[2J"\nnetwork: { interface: "eth0\\u202e\\r" }\n');
    const r = await cli(['check']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).not.toMatch(TERMINAL_CONTROL);
    expect(r.stderr).toContain('name: "\\e]0;PWNED\\a\\e[2J" is not a usable site name: it holds invisible or control characters (\\e, \\a)');
    expect(r.stderr).toContain('network.interface: "eth0\\u202e\\r" is not a network interface name');
  });

  it('escapes them in a runbook page too, in plan text, and keeps plan --json valid JSON without them', async () => {
    const book = join(dir, 'book');
    cpSync(GOOD_RUNBOOK, book, { recursive: true });
    const page = join(book, '01-prepare.mdx');
    // ESC c resets the terminal; BEL rings; U+202E shows what follows backwards.
    writeFileSync(page, readFileSync(page, 'utf8').replace('Set the host name', 'Set the host name\u001bc\u0007\u202e'));
    write('site.yaml', 'name: demo\n');
    const text = await runbookCli(['plan', '--runbook', book], { cwd: dir });
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toContain('Set the host name\\ec\\a\\u202e');
    expect(text.stdout).not.toMatch(TERMINAL_CONTROL);
    const json = await runbookCli(['plan', '--json', '--runbook', book], { cwd: dir });
    expect(json.stdout).not.toMatch(TERMINAL_CONTROL);
    const plan = JSON.parse(json.stdout) as { steps: { id: string; title: string }[] };
    expect(plan.steps.find((s) => s.id === 'hostname')?.title).toBe('Set the host name\u001bc\u0007\u202e');
  });
});

describe('a reader that stops early', () => {
  it('`status | head -1` and `plan | head -1` end quietly', async () => {
    write('site.yaml', 'name: demo\n');
    for (const command of ['status', 'plan']) {
      const r = await execa('bash', ['-c', `"$0" "$1" ${command} --runbook "$2" | head -1`, NODE, RUNBOOK_BIN, GOOD_RUNBOOK], { cwd: dir, reject: false });
      expect(r.stdout.split('\n'), command).toHaveLength(1);
      expect(r.stderr, command).toBe('');
    }
  });

  it('a closed stdout before the first line: no EPIPE trace, exit 0', async () => {
    write('site.yaml', 'name: demo\n');
    const child = execa(NODE, [RUNBOOK_BIN, 'plan', '--runbook', GOOD_RUNBOOK], { cwd: dir, reject: false, stdout: 'pipe' });
    child.stdout!.destroy();
    const r = await child;
    expect(String(r.stderr)).toBe('');
    expect(r.exitCode).toBe(0);
  });
});

describe('runbook init where it cannot write', () => {
  it('into a missing folder: names it and how to make it; nothing written', async () => {
    const r = await runbookCli(['init', '--site', 'nope/site.yaml'], { cwd: dir });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('nope/site.yaml: the folder nope does not exist; nothing was written Fix: create it first (mkdir -p nope), or name a file in an existing folder\n1 problem found; nothing was changed.');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('onto a folder: says so and names a file inside it', async () => {
    mkdirSync(join(dir, 'sites'));
    const r = await runbookCli(['init', '--site', 'sites'], { cwd: dir });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('sites: is a folder; nothing was written Fix: name the file to write, like --site sites/site.yaml');
    expect(readdirSync(join(dir, 'sites'))).toEqual([]);
    const read = await runbookCli(['check', '--site', 'sites'], { cwd: dir });
    expect(read.stderr).toContain('sites: is a folder, not a site file Fix: name the site file in it, like --site sites/site.yaml');
  });

  it('prints the next command with --site only when the file is not the default', async () => {
    expect((await runbookCli(['init'], { cwd: dir })).stdout).toBe('Wrote site.yaml. Edit the addresses, then run: runbook check');
    expect((await runbookCli(['init', '--site', 'my lab.yaml'], { cwd: dir })).stdout).toBe("Wrote my lab.yaml. Edit the addresses, then run: runbook check --site 'my lab.yaml'");
    expect(existsSync(join(dir, 'my lab.yaml'))).toBe(true);
  });
});

describe('problems said once, with fixes that say what to write', () => {
  it('a tab-indented file is one problem listing the lines, with a command that fixes it', async () => {
    write('site.yaml', 'name: demo\nnetwork:\n\tcidr: 10.0.0.0/24\n\tgateway: 10.0.0.1\nmanagement:\n\taddress: 10.0.0.2\n\thostname: m\n');
    const r = await cli(['check']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.split('\n')).toEqual([
      'site.yaml:3:1: indented with tabs (line(s) 3, 4, 6, 7); YAML allows only spaces Fix: indent with spaces, two per level; `expand` does it: expand -i -t 2 site.yaml > site.yaml.new && mv site.yaml.new site.yaml',
      '1 problem found; nothing was changed.',
    ]);
    // The fix it prints works.
    await execa('bash', ['-c', 'expand -i -t 2 site.yaml > site.yaml.new && mv site.yaml.new site.yaml'], { cwd: dir });
    expect((await cli(['check'])).stderr).not.toContain('tabs');
  });

  it('a wrong type, a misspelt key, a duplicate key: one problem each, each fix showing the field', async () => {
    write('site.yaml', 'name: demo\nhosts: 5\nmanagement:\n  adress: 172.16.10.2\n  hostname: mgmt\nnetwork: { dns: 8.8.8.8 }\nzone: { name: 5 }\n');
    const r = await cli(['check']);
    expect(r.stderr.split('\n')).toEqual([
      'site.yaml:2:8: hosts: must be a list, not the number 5 Fix: write it like hosts: [{ address: 172.16.10.3, hostname: kvm1 }]',
      'site.yaml:4:3: management.adress: unknown key "adress" Fix: did you mean "address"?',
      'site.yaml:6:17: network.dns: must be a list, not text "8.8.8.8" Fix: write it like dns: [8.8.8.8, 8.8.4.4]',
      'site.yaml:7:15: zone.name: must be text, not the number 5 Fix: quote it, so YAML reads it as text: name: Zone1',
      '4 problems found; nothing was changed.',
    ]);
    write('site.yaml', 'name: a\nname: b\n');
    expect((await cli(['check'])).stderr).toBe('site.yaml:2:1: "name" is written twice in the same mapping Fix: keep one "name" and remove the other\n1 problem found; nothing was changed.');
  });

  it('no fix merely points elsewhere', async () => {
    write('site.yaml', 'name: demo\nssh: { port: 99999, user: 7 }\nhosts: [{ address: 172.16.10.3 }]\ncloudstack: { version: 4.22 }\n');
    const r = await cli(['check']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).not.toMatch(/see `runbook init`|write it as text/);
    expect(r.stderr).toContain('ssh.port: must be at most 65535 Fix: write a number from 1 to 65535, like port: 22');
    expect(r.stderr).toContain('hosts[0].hostname: is missing (text is required) Fix: add it, like hostname: kvm1');
    expect(r.stderr).toContain('cloudstack.version: must be text, not the number 4.22 Fix: quote it, so YAML reads it as text: version: "4.22"');
  });

  it('points out a letter from another script that looks Latin, and the name in Latin letters', async () => {
    write('site.yaml', 'name: demo\nhosts:\n  - { address: 172.16.10.3, hostname: kvм1 }\n');
    const r = await cli(['check']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('hosts[0].hostname: "kvм1" is not a valid host name: Cyrillic "м" (U+043C) is not a Latin letter, though it may look like one Fix: type it again in Latin letters: kvm1');
  });
});
