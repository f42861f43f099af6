// Interruptions: kill -9 of the installer at random moments (several kills per site before the
// resume), Ctrl-C, and an sshd killed mid-step. Each ends with an intact journal and a resume
// that leaves every host exactly as an undisturbed run does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSite, startCluster, jsonEvents, type Cluster, type Site } from '../../executor/cluster.ts';
import { trackTrials } from '../results.ts';
import {
  assertJournalIntact,
  endState,
  lastRunEnd,
  runInstall,
  seeded,
  spawnRunbook,
  stackTraceLines,
} from '../helpers.ts';

const SITES = Number(process.env.KILL_SITES ?? 18);
const KILLS_PER_SITE = 3;
const LANES = 3;
const HOSTS = ['mgmt', 'kvm1'];

let cluster: Cluster;
const sites: Site[] = [];
let expected: Record<string, Record<string, string>>;
let fullMs = 0;

function newSite(prefix: string): Site {
  const site = makeSite(cluster, prefix, HOSTS.length);
  sites.push(site);
  return site;
}

beforeAll(async () => {
  cluster = await startCluster(110);
  const reference = newSite('r');
  const started = Date.now();
  const r = await runInstall(reference);
  fullMs = Date.now() - started;
  expect(r.exitCode, r.stderr).toBe(0);
  expected = endState(reference, HOSTS);
  expect(Object.keys(expected.kvm1!)).toContain('var/finished');
  expect(Object.keys(expected.mgmt!)).toContain('etc/db.cnf');
}, 120_000);
afterAll(() => {
  for (const s of sites) s.cleanup();
  cluster?.stop();
});

async function resumeAndCompare(site: Site, what: string): Promise<void> {
  const resumed = await runInstall(site);
  expect(resumed.stderr, what).toBe('');
  expect(resumed.exitCode, what).toBe(0);
  assertJournalIntact(site);
  expect(lastRunEnd(site), what).toMatchObject({ t: 'run-end', result: 'completed' });
  expect(endState(site, HOSTS), what).toEqual(expected);
}

describe('interruptions', () => {
  it(`kill -9 at random moments (${SITES * KILLS_PER_SITE} kills) then resume`, async () => {
    const seed = Number(process.env.KILL_SEED ?? Date.now() % 100000);
    const random = seeded(seed);
    let kills = 0;
    await trackTrials(
      {
        area: 'interruptions',
        scenario: `kill -9 of the installer at a random moment, ${KILLS_PER_SITE} kills per site before the resume`,
        expected: 'journal readable after every kill; resume exits 0; hosts equal an undisturbed run',
        notes: `seed ${seed} (KILL_SEED); ${SITES} sites, each killed ${KILLS_PER_SITE} times, then resumed; a site's kills count as failed if its resume fails`,
      },
      SITES,
      async (i) => {
        const site = newSite(`k${i}x`);
        const delays: number[] = [];
        for (let k = 0; k < KILLS_PER_SITE; k++) {
          const delay = Math.floor(random() * fullMs);
          delays.push(delay);
          const child = spawnRunbook(site, ['--yes', '--json']);
          await new Promise((r) => setTimeout(r, delay));
          child.kill('SIGKILL');
          await child;
          kills++;
          assertJournalIntact(site);
        }
        await resumeAndCompare(site, `site ${i} (seed ${seed}, killed after ${delays.join(', ')} ms)`);
        site.cleanup();
      },
      LANES,
      KILLS_PER_SITE,
    );
    expect(kills).toBe(SITES * KILLS_PER_SITE);
  }, 600_000);

  it('Ctrl-C at random moments: exit 130, a resume hint, then a clean resume', async () => {
    const seed = Number(process.env.KILL_SEED ?? Date.now() % 100000) + 1;
    const random = seeded(seed);
    await trackTrials(
      {
        area: 'interruptions',
        scenario: 'SIGINT (Ctrl-C) at a random moment',
        expected: 'exit 130 with "Stopped on request" and the resume command; resume exits 0; same end state',
        notes: `seed ${seed}`,
      },
      8,
      async (i) => {
        const site = newSite(`i${i}x`);
        const child = spawnRunbook(site, ['--yes']);
        // Wait for the first step to start so the signal handler is surely installed.
        await new Promise<void>((resolve) => {
          child.stdout?.on('data', (c: Buffer) => {
            if (c.toString().includes('start')) resolve();
          });
          void child.then(() => resolve());
        });
        await new Promise((r) => setTimeout(r, Math.floor(random() * fullMs * 0.6)));
        child.kill('SIGINT');
        const result = await child;
        const out = String(result.stdout) + String(result.stderr);
        expect(stackTraceLines(out), out).toEqual([]);
        if (result.exitCode !== 0) {
          expect(result.exitCode, out).toBe(130);
          expect(String(result.stdout)).toContain(
            `Stopped on request. Resume with: runbook install --site ${site.file}`,
          );
        }
        assertJournalIntact(site);
        await resumeAndCompare(site, `Ctrl-C run ${i} (seed ${seed})`);
      },
      2,
    );
  }, 300_000);

  it('an sshd killed mid-step: the failure names the host, the resume completes', async () => {
    const mgmt = cluster.hosts[0]!;
    await trackTrials(
      {
        area: 'interruptions',
        scenario: 'sshd of the management server killed during a step',
        expected: 'exit 1 naming the host and the lost connection; resume exits 0; same end state',
      },
      5,
      async (i) => {
        const site = newSite(`d${i}x`);
        const child = spawnRunbook(site, ['--yes', '--json']);
        await new Promise<void>((resolve) => {
          let buffer = '';
          child.stdout?.on('data', (c: Buffer) => {
            buffer += c.toString();
            if (/"type":"step-start","id":"slow-work","host":"mgmt"|"id":"slow-work"[^\n]*"host":"mgmt"[^\n]*step-start|step-start[^\n]*slow-work[^\n]*mgmt/.test(buffer)) resolve();
          });
          void child.then(() => resolve());
        });
        mgmt.kill();
        const result = await child;
        try {
          expect(result.exitCode).toBe(1);
          const failure = jsonEvents(String(result.stdout)).find(
            (e) => e.type === 'step-end' && e.status === 'failed',
          )!;
          expect(failure).toMatchObject({ host: 'mgmt' });
          expect(String(failure.reason)).toMatch(/connection to mgmt .*(closed|lost)/);
          expect(stackTraceLines(String(result.stdout) + String(result.stderr))).toEqual([]);
          assertJournalIntact(site);
        } finally {
          await mgmt.start();
        }
        await resumeAndCompare(site, `sshd kill ${i}`);
      },
    );
  }, 300_000);
});
