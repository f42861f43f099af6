// Concurrency: a second installer on a site that is being installed is refused with a message
// naming the running one (and does not disturb it); two sites installed at once from one
// machine both complete, each host as after a lone run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSite, startCluster, type Cluster, type Site } from '../../executor/cluster.ts';
import { trackTrials } from '../results.ts';
import { endState, runInstall, spawnRunbook, stackTraceLines } from '../helpers.ts';

const HOSTS = ['mgmt', 'kvm1'];
let cluster: Cluster;
const sites: Site[] = [];
let expected: Record<string, Record<string, string>>;

function newSite(prefix: string): Site {
  const site = makeSite(cluster, prefix, HOSTS.length);
  sites.push(site);
  return site;
}

beforeAll(async () => {
  cluster = await startCluster(180);
  const reference = newSite('r');
  expect((await runInstall(reference)).exitCode).toBe(0);
  expected = endState(reference, HOSTS);
}, 120_000);
afterAll(() => {
  for (const s of sites) s.cleanup();
  cluster?.stop();
});

describe('concurrency', () => {
  it('a second installer on the same site is refused, naming the first; the first completes', async () => {
    await trackTrials(
      {
        area: 'concurrency',
        scenario: 'two installers on one site (the second started while the first runs a step)',
        expected: 'second exits 1 naming the PID holding the lock; first exits 0; same end state',
      },
      5,
      async (i) => {
        const site = newSite(`c${i}x`);
        const first = spawnRunbook(site, ['--yes', '--json']);
        await new Promise<void>((resolve) => {
          first.stdout?.on('data', (c: Buffer) => {
            if (c.toString().includes('"step-start"')) resolve();
          });
          void first.then(() => resolve());
        });
        // With the runner a trivial install ends within a second of its first step: too soon
        // for a second installer (a new Node process) to meet it. Holding the first still
        // (SIGSTOP; it keeps its lock and its step runs on) makes the overlap certain.
        expect(first.exitCode, 'the first installer ended before its first step').toBeNull();
        process.kill(first.pid!, 'SIGSTOP');
        let second: Awaited<ReturnType<typeof runInstall>>;
        try {
          second = await runInstall(site, ['--yes']);
        } finally {
          process.kill(first.pid!, 'SIGCONT');
        }
        const done = await first;
        expect(done.exitCode, String(done.stderr)).toBe(0);
        expect(second.exitCode).toBe(1);
        expect(second.stderr).toContain(`another runbook installer (PID ${first.pid}`);
        expect(stackTraceLines(second.stdout + second.stderr)).toEqual([]);
        expect(endState(site, HOSTS)).toEqual(expected);
      },
    );
  }, 300_000);

  it('two sites installed at the same time from one machine both complete', async () => {
    await trackTrials(
      {
        area: 'concurrency',
        scenario: 'two sites installed at once from one machine (same hosts, separate state)',
        expected: 'both exit 0; each site\'s hosts equal a lone run',
      },
      4,
      async (i) => {
        const a = newSite(`pa${i}x`);
        const b = newSite(`pb${i}x`);
        const [ra, rb] = await Promise.all([runInstall(a), runInstall(b)]);
        expect(ra.exitCode, ra.stderr).toBe(0);
        expect(rb.exitCode, rb.stderr).toBe(0);
        expect(endState(a, HOSTS)).toEqual(expected);
        expect(endState(b, HOSTS)).toEqual(expected);
      },
    );
  }, 300_000);
});
