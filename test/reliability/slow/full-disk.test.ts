// A full disk where the state lives: `.runbook/` on a 64 KiB tmpfs, filled to different levels
// before the run. The installer must stop with a clear message (no stack trace), leave a
// readable journal, and, once space is freed, resume to the same end state as an undisturbed run.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSite, startCluster, type Cluster, type Site } from '../../executor/cluster.ts';
import { trackTrials } from '../results.ts';
import {
  assertJournalIntact,
  endState,
  lastRunEnd,
  runInstall,
  stackTraceLines,
} from '../helpers.ts';

const HOSTS = ['mgmt', 'kvm1'];
/** Bytes left free on the 64 KiB tmpfs before the run. */
const FREE_LEVELS = (process.env.FREE_LEVELS ?? "0,1024,4096,8192,12288,16384,24576,32768").split(",").map(Number);

let cluster: Cluster;
const sites: Site[] = [];
const mounts: string[] = [];
let expected: Record<string, Record<string, string>>;

beforeAll(async () => {
  cluster = await startCluster(130);
  const reference = makeSite(cluster, 'r', HOSTS.length);
  sites.push(reference);
  expect((await runInstall(reference)).exitCode).toBe(0);
  expected = endState(reference, HOSTS);
}, 120_000);
afterAll(() => {
  for (const m of mounts) {
    try {
      execFileSync('umount', [m]);
    } catch {
      // already unmounted
    }
  }
  for (const s of sites) s.cleanup();
  cluster?.stop();
});

function fill(dir: string, leaveFree: number): string {
  const filler = join(dir, 'filler');
  try {
    execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=1024', 'count=1024'], { stdio: 'ignore' });
  } catch {
    // ENOSPC is the point
  }
  if (leaveFree > 0) execFileSync('truncate', ['-s', `-${leaveFree}`, filler]);
  return filler;
}

describe('full disk under the state directory', () => {
  it('stops with a clear message and resumes once space is freed', async () => {
    const outcomes: string[] = [];
    await trackTrials(
      {
        area: 'interruptions',
        scenario: 'full disk: .runbook/ on a 64 KiB tmpfs with 0 to 32 KiB left',
        expected: 'exit ≠ 0 with a message naming the disk, or completion; no stack trace; journal readable; resume after freeing space exits 0; same end state',
      },
      FREE_LEVELS.length,
      async (i) => {
        const free = FREE_LEVELS[i]!;
        const site = makeSite(cluster, `f${i}x`, HOSTS.length);
        sites.push(site);
        const state = join(site.dir, '.runbook');
        mkdirSync(state, { mode: 0o700 });
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=0700', 'tmpfs', state]);
        mounts.push(state);
        const filler = fill(state, free);
        const t0 = Date.now();
        // As an operator runs it (line output), so the message is the one they read.
        const first = await runInstall(site, ['--yes']);
        const out = first.stdout + first.stderr;
        const took = Date.now() - t0;
        outcomes.push(`${free}: exit ${first.exitCode} in ${took} ms`);
        console.log(`free ${free}: exit ${first.exitCode} in ${took} ms: ${out.split("\n").filter((l) => !l.startsWith("{")).join(" | ").slice(0, 300)}`);
        expect(stackTraceLines(out), `free ${free}: ${out}`).toEqual([]);
        // It ends by itself (a hang would be ended by the test's timeout with exit code -1).
        expect([0, 1], `free ${free}: ${out}`).toContain(first.exitCode);
        if (first.exitCode !== 0) {
          // Either the run ends at once naming the full disk and how to resume, or a step
          // fails because its log could not be written, saying so.
          expect(out, `free ${free}`).toMatch(
            new RegExp(`the disk holding ${state.replaceAll('/', '\\/')} is full\\. Free some space there, then run again to resume: runbook install --site|no space left on device`, 'i'),
          );
          expect(out, `free ${free}`).not.toMatch(/^runbook: ENOSPC/m);
        }
        assertJournalIntact(site);

        rmSync(filler);
        const resumed = await runInstall(site);
        expect(resumed.stderr, `free ${free}`).toBe('');
        expect(resumed.exitCode, `free ${free}: ${resumed.stdout}`).toBe(0);
        assertJournalIntact(site);
        expect(lastRunEnd(site)).toMatchObject({ t: 'run-end', result: 'completed' });
        expect(endState(site, HOSTS)).toEqual(expected);
        execFileSync('umount', [state]);
        mounts.splice(mounts.indexOf(state), 1);
        writeFileSync(join(site.dir, 'done'), '');
      },
    );
  }, 300_000);
});
