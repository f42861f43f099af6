// kill -9 of the installer at random moments, then a resume: the journal stays readable, the
// stale lock is taken over, and every host ends in the same state as after an undisturbed run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJournal } from '../../src/state/journal.ts';
import {
  hostTree,
  install,
  makeSite,
  spawnInstall,
  startCluster,
  stateOf,
  type Cluster,
  type Site,
} from './cluster.ts';

const RUNS = 20;
const LANES = 3;
const HOSTS = ['mgmt', 'kvm1'];

let cluster: Cluster;
const sites: Site[] = [];
beforeAll(async () => {
  cluster = await startCluster(70);
});
afterAll(() => {
  for (const s of sites) s.cleanup();
  cluster?.stop();
});

/** Host files with the site's own secrets replaced, so two sites compare equal. */
function endState(site: Site): Record<string, Record<string, string>> {
  const secrets = stateOf(site).secrets;
  const replace = Object.fromEntries(Object.entries(secrets).map(([k, v]) => [v, `<${k}>`]));
  return Object.fromEntries(HOSTS.map((h) => [h, hostTree(site, h, replace)]));
}

function journalLines(site: Site): string[] {
  return readFileSync(join(site.dir, '.runbook', 'journal.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean);
}

describe('kill -9 and resume', () => {
  it(`ends every host in the same state after ${RUNS} killed runs`, async () => {
    const reference = makeSite(cluster, 'r', HOSTS.length);
    sites.push(reference);
    const started = Date.now();
    expect((await install(reference, ['--yes'])).exitCode).toBe(0);
    const fullMs = Date.now() - started;
    const expected = endState(reference);
    expect(Object.keys(expected.kvm1!)).toContain('var/finished');

    const seed = Number(process.env.KILL_SEED ?? Date.now() % 100000);
    let state = seed;
    const random = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;

    const lane = async (lane: number) => {
      for (let i = lane; i < RUNS; i += LANES) {
        const delay = Math.floor(random() * fullMs);
        const site = makeSite(cluster, `k${i}x`, HOSTS.length);
        sites.push(site);
        const child = spawnInstall(site, ['--yes', '--json']);
        await new Promise((r) => setTimeout(r, delay));
        child.kill('SIGKILL');
        await child;
        const what = `run ${i} (seed ${seed}, killed after ${delay} ms)`;

        // Whatever the moment, the journal reads; only a torn last line may not parse.
        const lines = (() => {
          try {
            return journalLines(site);
          } catch {
            return [];
          }
        })();
        for (const line of lines.slice(0, -1)) expect(() => JSON.parse(line), what).not.toThrow();

        const resumed = await install(site, ['--yes', '--json']);
        // Killed before it trusted a host, the resumed run trusts it now and says so; nothing else.
        const firstContact = /^\S+: first contact, host key SHA256:\S+ accepted \(--yes\)\..*$/;
        expect(resumed.stderr.split('\n').filter((l) => l && !firstContact.test(l)), what).toEqual([]);
        expect(resumed.exitCode, what).toBe(0);
        for (const line of journalLines(site)) expect(() => JSON.parse(line), what).not.toThrow();
        expect(readJournal(join(site.dir, '.runbook', 'journal.jsonl')).at(-1), what).toMatchObject(
          { t: 'run-end', result: 'completed' },
        );
        expect(endState(site), what).toEqual(expected);
        site.cleanup();
      }
    };
    await Promise.all(Array.from({ length: LANES }, (_, i) => lane(i)));
  }, 300_000);
});
