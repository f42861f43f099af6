// The real program in a real terminal: tmux sized 80×24 runs the wizard, keystrokes go in
// with send-keys, the screen comes back with capture-pane. A preview, then a deploy against
// loopback sshd hosts. Every screen must fit: its title line is the first line on screen.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import stringWidth from 'string-width';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClientKey, startHosts, type ClientKey, type FakeHost } from '../helpers/sshd.ts';
import { FIXTURE_RUNBOOK, writeLoopbackSite } from './harness.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NODE = join(ROOT, 'node_modules/.bin/node');
const SOCKET = `rb-wizard-${process.pid}`;

const tmux = (...args: string[]) => execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

class Terminal {
  readonly name: string;
  constructor(name: string, siteFile: string, env = '') {
    this.name = name;
    const args = ['installer/bin/runbook.js', '--site', siteFile, '--runbook', FIXTURE_RUNBOOK];
    // A person at a terminal: no CI variables (CI runs these tests with CI=true, and Ink then
    // draws only a final frame instead of an interactive screen).
    const command = `cd ${ROOT} && env -u CI -u CONTINUOUS_INTEGRATION ${env} ${NODE} ${args.join(' ')}; echo "EXIT=$?"; sleep 600`;
    tmux('new-session', '-d', '-s', name, '-x', '80', '-y', '24', command);
  }
  screen(): string {
    return tmux('capture-pane', '-p', '-t', this.name);
  }
  /** The screen with its escape sequences (colours, bold) kept. */
  styled(): string {
    return tmux('capture-pane', '-p', '-e', '-t', this.name);
  }
  keys(...keys: string[]): void {
    for (const k of keys) tmux('send-keys', '-t', this.name, k);
  }
  async waitFor(text: string | RegExp, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const s = this.screen();
      if (typeof text === 'string' ? s.includes(text) : text.test(s)) {
        await pause(150);
        return this.screen();
      }
      await pause(100);
    }
    throw new Error(`timed out waiting for ${String(text)}; the terminal shows:\n${this.screen()}`);
  }
  /** The screen's title is on the first line: the frame fits in 24 rows. */
  fits(screen: string, title: string): void {
    expect(screen.split('\n')[0]).toContain(`CloudStack Runbook · ${title}`);
  }
  kill(): void {
    try {
      tmux('kill-session', '-t', this.name);
    } catch {
      // already gone
    }
  }
}

let key: ClientKey;
let hosts: FakeHost[];

beforeAll(async () => {
  key = makeClientKey();
  hosts = await startHosts(['mgmt', 'kvm1'], key, 130);
});
afterAll(() => {
  try {
    tmux('kill-server');
  } catch {
    // no server left
  }
  for (const h of hosts ?? []) h.cleanup();
  if (key) rmSync(key.dir, { recursive: true, force: true });
});

describe('wizard in tmux (80×24)', () => {
  it('previews the plan, fitting the screen, without colours under NO_COLOR', async () => {
    const site = writeLoopbackSite(hosts, key);
    const term = new Terminal('preview', site.siteFile, 'NO_COLOR=1');
    try {
      let screen = await term.waitFor('│ kvm1');
      term.fits(screen, 'Welcome');
      // Foreground colours are SGR 30-37/90-97 (or 38;...): none of them under NO_COLOR.
      // eslint-disable-next-line no-control-regex
      expect(term.styled()).not.toMatch(/\u001B\[(?:[0-9;]*;)?(?:3[0-8]|9[0-7])(?:;[0-9;]*)?m/);
      expect(screen).toContain('How do you want to go on?');
      term.keys('Down', 'Down', 'Enter');
      screen = await term.waitFor('Site file:');
      term.fits(screen, 'Site');
      term.keys('C-s');
      screen = await term.waitFor('Plan (preview)');
      term.fits(screen, 'Plan (preview)');
      expect(screen).toMatch(/Prepare\s+5\s+5\s+3/);
      term.keys('q');
      await term.waitFor('EXIT=0');
      expect(existsSync(join(site.dir, '.runbook'))).toBe(false);
    } finally {
      term.kill();
      rmSync(site.work, { recursive: true, force: true });
    }
  });

  it('deploys to loopback sshd hosts with keystrokes', async () => {
    const site = writeLoopbackSite(hosts, key);
    const term = new Terminal('deploy', site.siteFile);
    try {
      await term.waitFor('How do you want to go on?');
      term.keys('Enter');
      await term.waitFor('Site file:');
      term.keys('C-s');
      let screen = await term.waitFor('First contact with');
      term.fits(screen, 'Connect');
      expect(screen).toMatch(/SHA256:\S+/);
      term.keys('y');
      await pause(300);
      await term.waitFor('First contact with');
      term.keys('y');
      screen = await term.waitFor('All 2 machine(s) answered');
      term.keys('Enter');
      screen = await term.waitFor('All checks passed');
      term.fits(screen, 'Preflight checks');
      expect(screen).toMatch(/Marker check\s+! warn\s+! warn/);
      term.keys('Enter');
      screen = await term.waitFor('Estimated time');
      term.fits(screen, 'Plan');
      term.keys('Enter');
      screen = await term.waitFor('CloudStack UI', 60_000);
      term.fits(screen, 'Done');
      const state = JSON.parse(readFileSync(join(site.dir, '.runbook', 'state.json'), 'utf8'));
      expect(screen).not.toContain(state.secrets.ADMIN_PASSWORD);
      term.keys('p');
      screen = await term.waitFor(state.secrets.ADMIN_PASSWORD);
      term.fits(screen, 'Done');
      expect(existsSync(join(site.work, 'kvm1', 'done'))).toBe(true);
      term.keys('q');
      await term.waitFor('EXIT=0');
    } finally {
      term.kill();
      rmSync(site.work, { recursive: true, force: true });
    }
  });

  it('asks before stopping on Ctrl-C and stops cleanly, leaving the journal resumable', async () => {
    const site = writeLoopbackSite(hosts, key);
    writeFileSync(join(site.work, 'slow'), '');
    const term = new Terminal('stop', site.siteFile);
    try {
      await term.waitFor('How do you want to go on?');
      term.keys('Enter');
      await term.waitFor('Site file:');
      term.keys('C-s');
      for (let i = 0; i < 2; i++) {
        await term.waitFor('First contact with');
        term.keys('y');
        await pause(300);
      }
      await term.waitFor('All 2 machine(s) answered');
      term.keys('Enter');
      await term.waitFor('All checks passed');
      term.keys('Enter');
      await term.waitFor('Estimated time');
      term.keys('Enter');
      await term.waitFor('slow tick 1');
      term.keys('C-c');
      let screen = await term.waitFor('Stop the installation?');
      term.fits(screen, 'Installing');
      term.keys('Enter');
      screen = await term.waitFor('Interrupted: nothing more runs. Resume with', 30_000);
      expect(screen).toContain('runbook install --site');
      const journal = readFileSync(join(site.dir, '.runbook', 'journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(journal.at(-1)).toMatchObject({ t: 'run-end', result: 'interrupted' });
      term.keys('q');
      await term.waitFor('EXIT=1');
    } finally {
      term.kill();
      rmSync(site.work, { recursive: true, force: true });
    }
  });

  it('fits 80×24 in Japanese too (wide characters, longer sentences)', async () => {
    const site = writeLoopbackSite(hosts, key);
    const term = new Terminal('japanese', site.siteFile, 'LANG=ja_JP.UTF-8');
    try {
      let screen = await term.waitFor('│ kvm1');
      term.fits(screen, 'ようこそ');
      expect(screen).toContain('どのように進めますか？');
      term.keys('Down', 'Down', 'Enter');
      screen = await term.waitFor(site.siteFile);
      expect(screen.split('\n')[0]).toMatch(/^CloudStack Runbook · /);
      // Every row of the form lines up: values start in the same column.
      const columns = screen.split('\n').filter((l) => /172\.16\.10\.\d/.test(l) && !l.includes('.yaml')).map((l) => stringWidth(l.slice(0, l.search(/\d/))));
      expect(new Set(columns).size).toBe(1);
      term.keys('C-s');
      screen = await term.waitFor(/プレビュー/);
      expect(screen.split('\n')[0]).toMatch(/^CloudStack Runbook · /);
      term.keys('q');
      await term.waitFor('EXIT=0');
    } finally {
      term.kill();
      rmSync(site.work, { recursive: true, force: true });
    }
  });
});
