// The real program in a real terminal: tmux sized 80×24 runs the wizard, keystrokes go in
// with send-keys, the screen comes back with capture-pane. A preview, then a deploy against
// loopback sshd hosts. Every screen must fit: its title line is the first line on screen.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import stringWidth from 'string-width';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClientKey, startHosts, type ClientKey, type FakeHost } from '../helpers/sshd.ts';
import { writeLoopbackSite } from './harness.ts';
import { Terminal as Term, killTmuxServer, pause } from './terminal.ts';

const SOCKET = `rb-wizard-${process.pid}`;

class Terminal extends Term {
  constructor(name: string, siteFile: string, env = '') {
    super(SOCKET, name, siteFile, { env });
  }
}

let key: ClientKey;
let hosts: FakeHost[];

beforeAll(async () => {
  key = makeClientKey();
  hosts = await startHosts(['mgmt', 'kvm1'], key, 130);
});
afterAll(() => {
  killTmuxServer(SOCKET);
  for (const h of hosts ?? []) h.cleanup();
  if (key) rmSync(key.dir, { recursive: true, force: true });
});

/** From the welcome screen, accepting both host keys, into the run until its slow step ticks. */
async function untilSlowStep(term: Terminal): Promise<void> {
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
}

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
      expect(screen).not.toContain('shown only here');
      term.keys('q');
      await term.waitFor('EXIT=0');
      // Gone from the screen and from the scrollback once the wizard has ended.
      const after = term.history();
      expect(after).toContain('CloudStack UI');
      expect(after).not.toContain(state.secrets.ADMIN_PASSWORD);
      // What the shell prints next starts on a line of its own, under the last frame.
      expect(after).toMatch(/^EXIT=0$/m);
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
      await untilSlowStep(term);
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

  it('stops now on request: the cut-off step is an interruption with the resume command, not a failure', async () => {
    const site = writeLoopbackSite(hosts, key);
    writeFileSync(join(site.work, 'slow'), '');
    const term = new Terminal('stop-now', site.siteFile);
    try {
      await untilSlowStep(term);
      term.keys('C-c');
      let screen = await term.waitFor('Stop now: cut the running step(s) off');
      term.fits(screen, 'Installing');
      term.keys('Down', 'Enter');
      screen = await term.waitFor('Interrupted: nothing more runs. Resume with', 30_000);
      term.fits(screen, 'Installing');
      expect(screen).not.toContain('A step failed');
      expect(screen).not.toContain('AbortError');
      expect(screen).toMatch(/Cut off, and run again on resume: work-slow \((mgmt|kvm1)\)/);
      expect(screen).toContain(`runbook install --site ${site.siteFile}`);
      term.keys('q');
      await term.waitFor('EXIT=1');
    } finally {
      term.kill();
      rmSync(site.work, { recursive: true, force: true });
    }
  });

  it('deploys in Japanese with every screen inside 80×24: connect, checks, plan, run, the stop question, done', async () => {
    const site = writeLoopbackSite(hosts, key);
    writeFileSync(join(site.work, 'slow'), '');
    const term = new Terminal('japanese-deploy', site.siteFile, 'LANG=ja_JP.UTF-8');
    try {
      await term.waitFor('どのように進めますか？');
      term.keys('Enter');
      await term.waitFor('サイトファイル:');
      term.keys('C-s');
      for (let i = 0; i < 2; i++) {
        const screen = await term.waitFor(/SHA256:\S+/);
        term.fits(screen, '接続');
        term.keys('y');
        await pause(300);
      }
      let screen = await term.waitFor('2 台すべてのマシンが応答しました');
      term.fits(screen, '接続');
      term.keys('Enter');
      screen = await term.waitFor('すべてのチェックに合格しました');
      term.fits(screen, '事前チェック');
      term.keys('Enter');
      screen = await term.waitFor('所要時間の目安');
      term.fits(screen, '計画');
      term.keys('Enter');
      screen = await term.waitFor('slow tick 1');
      term.fits(screen, 'インストール中');
      term.keys('C-c');
      screen = await term.waitFor('インストールを停止しますか？');
      term.fits(screen, 'インストール中');
      expect(screen).toContain('続行する');
      term.keys('Down', 'Down', 'Enter');
      screen = await term.waitFor('CloudStack UI', 60_000);
      term.fits(screen, '完了');
      const state = JSON.parse(readFileSync(join(site.dir, '.runbook', 'state.json'), 'utf8'));
      term.keys('p');
      screen = await term.waitFor(state.secrets.ADMIN_PASSWORD);
      term.fits(screen, '完了');
      term.keys('q');
      await term.waitFor('EXIT=0');
      expect(term.history()).not.toContain(state.secrets.ADMIN_PASSWORD);
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
      // The plan's title, not the form's preview note (which says プレビュー too).
      screen = await term.waitFor('計画（プレビュー）');
      expect(screen.split('\n')[0]).toMatch(/^CloudStack Runbook · /);
      term.keys('q');
      await term.waitFor('EXIT=0');
    } finally {
      term.kill();
      rmSync(site.work, { recursive: true, force: true });
    }
  });
});
