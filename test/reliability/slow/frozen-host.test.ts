// A host that stops answering mid-step without closing anything (its sshd and the step's
// processes frozen with SIGSTOP: what a pulled cable or a hung machine looks like from here).
// The installer must notice by itself (SSH keepalives), end with a message naming the host,
// keep its journal intact, and resume to the same end state once the host is back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { descendants } from '../../helpers/sshd.ts';
import { jsonEvents, makeSite, startCluster, type Cluster, type Site } from '../../executor/cluster.ts';
import { trackTrials } from '../results.ts';
import {
  assertJournalIntact,
  endState,
  lastRunEnd,
  runInstall,
  spawnRunbook,
  stackTraceLines,
} from '../helpers.ts';

const HOSTS = ['mgmt', 'kvm1'];
let cluster: Cluster;
const sites: Site[] = [];
let expected: Record<string, Record<string, string>>;

beforeAll(async () => {
  cluster = await startCluster(190);
  const reference = makeSite(cluster, 'r', HOSTS.length);
  sites.push(reference);
  expect((await runInstall(reference)).exitCode).toBe(0);
  expected = endState(reference, HOSTS);
}, 120_000);
afterAll(() => {
  for (const s of sites) s.cleanup();
  cluster?.stop();
});

function signalHost(pid: number, signal: NodeJS.Signals): void {
  for (const p of [pid, ...descendants(pid)]) {
    try {
      process.kill(p, signal);
    } catch {
      // gone
    }
  }
}

describe('a host that stops answering mid-step', () => {
  it('is reported by name within the keepalive window; the resume completes', async () => {
    const kvm1 = cluster.hosts[1]!;
    await trackTrials(
      {
        area: 'interruptions',
        scenario: 'a KVM host frozen mid-step (sshd and the step stopped with SIGSTOP; nothing closed)',
        expected: 'the installer ends by itself (exit 1) naming the host; journal readable; resume after SIGCONT exits 0; same end state',
      },
      2,
      async (i) => {
        const site = makeSite(cluster, `z${i}x`, HOSTS.length);
        sites.push(site);
        const child = spawnRunbook(site, ['--yes', '--json']);
        await new Promise<void>((resolve) => {
          let buffer = '';
          child.stdout?.on('data', (c: Buffer) => {
            buffer += c.toString();
            if (buffer.split('\n').some((l) => l.includes('"step-start"') && l.includes('"slow-work"') && l.includes('"kvm1"'))) resolve();
          });
          void child.then(() => resolve());
        });
        const pid = kvm1.pid!;
        signalHost(pid, 'SIGSTOP');
        let result;
        try {
          result = await child;
        } finally {
          signalHost(pid, 'SIGCONT');
        }
        const out = String(result.stdout) + String(result.stderr);
        expect(result.exitCode, out.slice(-1500)).toBe(1);
        expect(stackTraceLines(out)).toEqual([]);
        const failure = jsonEvents(String(result.stdout)).find((e) => e.type === 'step-end' && e.status === 'failed');
        expect(failure, out.slice(-1500)).toMatchObject({ host: 'kvm1' });
        expect(String(failure!.reason)).toMatch(/kvm1/);
        assertJournalIntact(site);
        const resumed = await runInstall(site);
        expect(resumed.exitCode, resumed.stdout.slice(-1500) + resumed.stderr).toBe(0);
        expect(lastRunEnd(site)).toMatchObject({ t: 'run-end', result: 'completed' });
        expect(endState(site, HOSTS)).toEqual(expected);
      },
    );
  }, 400_000);
});
