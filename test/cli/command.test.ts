// The `runbook` command setup puts on the PATH (scripts/install-command.sh), tried as a user
// does: from another folder, by name, through the PATH; silent; and `npx runbook` outside the
// repository runs it instead of fetching a package of that name from the registry. The script
// writes into a folder of the test's (RUNBOOK_BIN_DIR, npm's prefix), never the machine's own.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeEach, describe, expect, it } from 'vitest';
import { REPO } from '../helpers/cli.ts';

const INSTALL_COMMAND = join(REPO, 'scripts/install-command.sh');
let home: string;
let prefix: string;
let bin: string;
let elsewhere: string;

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'runbook-command-'));
  prefix = join(home, 'npm-global');
  bin = join(prefix, 'bin');
  mkdirSync(join(prefix, 'lib', 'node_modules'), { recursive: true });
  elsewhere = join(home, 'somewhere-else');
  mkdirSync(elsewhere);
});

/** A user's environment: npm's global prefix is the test's, the registry unreachable. */
function userEnv(): Record<string, string> {
  return {
    PATH: `${bin}:/usr/local/bin:/usr/bin:/bin`,
    HOME: home,
    npm_config_prefix: prefix,
    npm_config_cache: join(home, 'npm-cache'),
    // Were npx to look for a package, it would have to ask here, and fail loudly.
    npm_config_registry: 'http://127.0.0.1:9/',
    npm_config_update_notifier: 'false',
  };
}

const setUp = (env: Record<string, string> = {}) => execa('bash', [INSTALL_COMMAND], { env: { ...userEnv(), ...env }, extendEnv: false, reject: false });

describe('the runbook command', () => {
  it('goes into npm\'s global bin folder and runs this checkout from anywhere, silently', async () => {
    const setup = await setUp();
    expect(setup.exitCode).toBe(0);
    expect(setup.stdout).toBe(`setup: runbook command: ${bin}/runbook → ${REPO.replace(/\/$/, '')}`);
    const r = await execa('runbook', ['--help'], { cwd: elsewhere, env: userEnv(), extendEnv: false });
    expect(r.stdout).toMatch(/^Usage: runbook \[options\] \[command\]/);
    expect(r.stderr).toBe('');
    const plan = await execa('runbook', ['init'], { cwd: elsewhere, env: userEnv(), extendEnv: false });
    expect(plan.stdout).toBe('Wrote site.yaml. Edit the addresses, then run: runbook check');
    expect(existsSync(join(elsewhere, 'site.yaml'))).toBe(true);
  });

  it('runs the pinned Node 24, whatever node comes first on the PATH', async () => {
    await setUp();
    const fake = join(home, 'fake-node');
    mkdirSync(fake);
    writeFileSync(join(fake, 'node'), '#!/bin/sh\necho "the wrong node" >&2; exit 9\n', { mode: 0o755 });
    const r = await execa('runbook', ['--version'], { cwd: elsewhere, env: { ...userEnv(), PATH: `${fake}:${bin}:/usr/bin:/bin` }, extendEnv: false });
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+$/);
    expect(r.stderr).toBe('');
  });

  it('is what `npx runbook` runs outside the repository: no registry, no warnings', async () => {
    await setUp();
    const r = await execa('npx', ['runbook', '--version'], { cwd: elsewhere, env: userEnv(), extendEnv: false, reject: false });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('is rewritten only when it changes, and never over another program of that name', async () => {
    await setUp();
    expect((await setUp()).stdout).toBe(`setup: runbook command: ${bin}/runbook (unchanged)`);
    writeFileSync(join(bin, 'runbook'), '#!/bin/sh\necho someone else\n', { mode: 0o755 });
    const refused = await setUp();
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain(`setup: ${bin}/runbook exists and is not CloudStack Runbook's; it was left alone.`);
    expect(readFileSync(join(bin, 'runbook'), 'utf8')).toBe('#!/bin/sh\necho someone else\n');
  });

  it('says when the folder it wrote into is not on the PATH', async () => {
    const other = join(home, 'bin-off-path');
    const r = await setUp({ RUNBOOK_BIN_DIR: other });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain(`setup: note: ${other} is not on your PATH`);
    expect((await execa(join(other, 'runbook'), ['--version'], { env: userEnv(), extendEnv: false })).stdout).toMatch(/^\d/);
  });
});

describe('README', () => {
  it('names the installer by the command setup installs, never npx or a path to the script', () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    // A line may open with a code span in prose (`runbook api ...`): the backtick is not part of the call.
    const calls = (readme.match(/^`?(?:sudo )?[^\s`]*runbook(?:\.js)? [a-z-]+/gm) ?? []).map((c) =>
      c.replace(/^`/, ''),
    );
    expect(calls.length).toBeGreaterThan(8);
    for (const call of calls) expect(call, call).toMatch(/^(sudo )?runbook /);
    expect(readme).not.toMatch(/npx runbook|installer\/bin\/runbook\.js/);
    expect(readme).toContain('npm run setup && runbook\n');
  });

  it('the documentation pages and their translations name it the same way, never npx', () => {
    const pages = join(REPO, 'docs', 'src', 'content', 'docs');
    const sources = [
      ...readdirSync(pages)
        .filter((f) => f.endsWith('.mdx'))
        .map((f) => join(pages, f)),
      ...['ja', 'zh-CN'].flatMap((lang) =>
        readdirSync(join(REPO, 'locales', lang)).map((f) => join(REPO, 'locales', lang, f)),
      ),
    ];
    expect(sources.length).toBeGreaterThan(20);
    // PO files wrap long strings: a call may be split as "npx " / "runbook" over two lines.
    const offenders = sources.filter((file) =>
      /npx(?: | "\n")runbook/.test(readFileSync(file, 'utf8')),
    );
    expect(offenders).toEqual([]);
  });
});
