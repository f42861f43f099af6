// The state folder's pieces on their own: the journal after a torn write, the lock against a
// live and a dead owner, secrets generated once.
import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Journal, readJournal } from '../../src/state/journal.ts';
import { LockHeldError, acquireLock } from '../../src/state/lock.ts';
import { ensureSecrets } from '../../src/state/store.ts';

const dir = mkdtempSync(join(tmpdir(), 'rb-state-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('journal', () => {
  it('ignores a torn last line and cuts it off before the next append', () => {
    const file = join(dir, 'journal.jsonl');
    const j = new Journal(file);
    j.append({ t: 'run-end', run: 'a', at: 'now', result: 'completed' });
    j.close();
    appendFileSync(file, '{"t":"step-end","run":"b","id":"x');
    expect(readJournal(file)).toHaveLength(1);
    const again = new Journal(file);
    again.append({ t: 'run-end', run: 'c', at: 'now', result: 'failed' });
    again.close();
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    expect(lines.map((l) => JSON.parse(l).run)).toEqual(['a', 'c']);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});

describe('journal group commit', () => {
  it('shows each line to readers at once, keeps every line of a burst, and leaks no descriptor', async () => {
    const file = join(dir, 'burst.jsonl');
    const holdsFile = () =>
      readdirSync('/proc/self/fd').some((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`) === file;
        } catch {
          return false; // the descriptor readdir itself used, gone already
        }
      });
    const j = new Journal(file);
    j.append({ t: 'run-start', run: 'r', at: 'now', pid: 1, steps: 500 });
    expect(holdsFile()).toBe(true);
    // a `runbook status` reading beside a running install sees the line before any sync
    expect(readJournal(file).map((e) => e.t)).toEqual(['run-start']);
    for (let i = 0; i < 500; i++)
      j.append({ t: 'step-start', run: 'r', at: 'now', id: `s${i}`, host: `h${i % 32}`, hash: 'x' });
    j.close(); // a background fsync is usually still in flight here
    expect(readJournal(file)).toHaveLength(501);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(holdsFile()).toBe(false);
  });
});

describe('lock', () => {
  it('refuses while the owner lives, naming its PID, and takes over a dead owner', () => {
    const file = join(dir, 'lock');
    const release = acquireLock(file);
    expect(() => acquireLock(file)).toThrow(LockHeldError);
    expect(() => acquireLock(file)).toThrow(`PID ${process.pid}`);
    release();

    const dead = spawnSync('true').pid!;
    writeFileSync(file, JSON.stringify({ pid: dead, host: hostname(), at: 'earlier' }));
    const mine = acquireLock(file);
    expect(JSON.parse(readFileSync(file, 'utf8')).pid).toBe(process.pid);
    mine();
  });
});

describe('secrets', () => {
  it('are generated once, 24+ characters of [A-Za-z0-9], in a 0600 file', () => {
    const file = join(dir, 'state.json');
    const first = ensureSecrets(file, ['A', 'B']);
    const second = ensureSecrets(file, ['A', 'B', 'C']);
    expect(second.secrets.A).toBe(first.secrets.A);
    expect(second.secrets.B).toBe(first.secrets.B);
    for (const v of Object.values(second.secrets)) expect(v).toMatch(/^[A-Za-z0-9]{24,}$/);
    expect(new Set(Object.values(second.secrets)).size).toBe(3);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});
