// The command line means what it says, through the real binary: a global --site is honoured (or
// refused where it cannot apply, never ignored), an unknown command names the likely one, `help`
// works, and every usage error exits 2 with one line and a pointer to help.
// (runbookCli, like execa, drops the output's last newline.)
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { REPO, runbookCli } from '../helpers/cli.ts';

const GOOD_RUNBOOK = join(REPO, 'test/fixtures/runbook-good');
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'runbook-usage-'));
  writeFileSync(join(dir, 'site.yaml'), 'name: default-site\n');
  writeFileSync(join(dir, 'other.yaml'), 'name: other-site\nhosts: [{ address: 172.16.10.3, hostname: kvm1 }]\n');
});

describe('--site before the command', () => {
  it('is the same as after it', async () => {
    const before = await runbookCli(['--site', 'other.yaml', 'plan', '--runbook', GOOD_RUNBOOK], { cwd: dir });
    expect(before.exitCode).toBe(0);
    expect(before.stdout).toContain('Plan for site "other-site" (management + 1 KVM host)');
    const after = await runbookCli(['plan', '--site', 'other.yaml', '--runbook', GOOD_RUNBOOK], { cwd: dir });
    expect(after.stdout).toBe(before.stdout);
    const both = await runbookCli(['--runbook', GOOD_RUNBOOK, '--site', 'other.yaml', 'check'], { cwd: dir });
    expect(both.exitCode).toBe(0);
    expect(both.stdout).toMatch(/^ok: other.yaml: site "other-site", 2 machines/);
  });

  it('is refused where the command takes no site file, and when given twice differently', async () => {
    const lab = await runbookCli(['--site', 'other.yaml', 'lab', 'status'], { cwd: dir });
    expect(lab.exitCode).toBe(2);
    expect(lab.stderr).toBe('runbook: --site does not apply to `runbook lab`\n(run `runbook lab --help` for usage)');
    const twice = await runbookCli(['--site', 'other.yaml', 'plan', '--site', 'site.yaml'], { cwd: dir });
    expect(twice.exitCode).toBe(2);
    expect(twice.stderr).toContain('--site is given twice (other.yaml and site.yaml); give it once');
    expect(readdirSync(dir).sort()).toEqual(['other.yaml', 'site.yaml']);
  });
});

describe('unknown commands and help', () => {
  it('names the likely command, exit 2, nothing run', async () => {
    const r = await runbookCli(['instal', '--site', 'other.yaml'], { cwd: dir });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('runbook: unknown command "instal"; did you mean install?\n(run `runbook --help` for usage)');
    expect(readdirSync(dir).sort()).toEqual(['other.yaml', 'site.yaml']);
    const far = await runbookCli(['frobnicate'], { cwd: dir });
    expect(far.exitCode).toBe(2);
    expect(far.stderr).toMatch(/^runbook: unknown command "frobnicate"; the commands are: init, check, plan, /);
  });

  it('runbook help COMMAND shows that command\'s help; help alone the overview', async () => {
    const help = await runbookCli(['help', 'install']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toMatch(/^Usage: runbook install \[options\]/);
    expect(help.stdout).toContain('--from <id>');
    expect(help.stdout).toBe((await runbookCli(['install', '--help'])).stdout);
    const overview = await runbookCli(['help']);
    expect(overview.exitCode).toBe(0);
    expect(overview.stdout).toBe((await runbookCli(['--help'])).stdout);
    expect(overview.stdout).toMatch(/^ {2}help \[command\] +show the help of a command/m);
    const typo = await runbookCli(['help', 'instal']);
    expect(typo.exitCode).toBe(2);
    expect(typo.stderr).toContain('unknown command "instal"; did you mean install?');
  });
});

describe('usage errors', () => {
  const cases: [string, string[], RegExp][] = [
    ['an unknown option', ['plan', '--bogus'], /^runbook: unknown option --bogus\n\(run `runbook plan --help` for usage\)$/],
    ['an unknown option before any command', ['--bogus'], /^runbook: unknown option --bogus\n/],
    ['an option without its value', ['plan', '--site'], /^runbook: --site <file> needs a value\n/],
    ['a required option left out', ['export', '--format', 'bash'], /^runbook: --out <dir> is required\n\(run `runbook export --help` for usage\)$/],
    ['a missing argument', ['lab'], /^runbook: missing the action argument\n/],
    ['a word too many', ['plan', 'extra'], /^runbook: too many arguments: 1 given, 0 expected\n/],
    ['a bad --parallel', ['install', '--parallel', 'lots'], /--parallel must be a whole number above 0 \(got lots\)/],
  ];
  for (const [what, args, message] of cases) {
    it(`${what}: one message, exit 2`, async () => {
      const r = await runbookCli(args, { cwd: dir });
      expect(r.stderr).toMatch(message);
      expect(r.exitCode).toBe(2);
      expect(r.stderr).not.toMatch(/\bat .*\.(ts|js):\d+/);
    });
  }

  it('--version and --help exit 0', async () => {
    const version = await runbookCli(['--version']);
    expect(version.exitCode).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+$/);
    expect((await runbookCli(['plan', '--help'])).exitCode).toBe(0);
  });
});
