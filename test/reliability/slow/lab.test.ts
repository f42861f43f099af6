// The reliability scenarios again, on real Debian 12 VMs (the lab: qemu, a network namespace,
// loopback relays) instead of sshd processes on this machine: kill -9 of the installer then a
// resume; a VM unreachable mid-step because its link in the lab namespace went down; and a lab
// install side by side with an install on loopback sshd hosts. One lab of two VMs serves them
// all; every lab site has its own name (its files live under /tmp/rb-multi/<site> on the VMs)
// and its own state folder, so runs never see each other's journal. Needs root and qemu.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, labUp, type LabStatus } from '../../../src/lab/lab.ts';
import { labLayout } from '../../../src/lab/layout.ts';
import { readJournal } from '../../../src/state/journal.ts';
import {
  jsonEvents,
  makeSite,
  startCluster,
  type Cluster,
  type Site,
} from '../../executor/cluster.ts';
import { trackTrials } from '../results.ts';
import {
  assertJournalIntact,
  endState,
  journalFile,
  lastRunEnd,
  runInstall,
  seeded,
  spawnRunbook,
  stackTraceLines,
} from '../helpers.ts';
import {
  LAB_DIR,
  LAB_RUNBOOK,
  existsOnVm,
  finished,
  labEndState,
  labLink,
  linkState,
  makeLabSite,
  setLink,
  spawnLabInstall,
  overlappingSteps,
  stepStarted,
  whereKilled,
  type Finished,
} from './lab-helpers.ts';

const KILLS = Number(process.env.LAB_KILLS ?? 4);
const LINK_RUNS = Number(process.env.LAB_LINK_RUNS ?? 2);
const SIDE_RUNS = Number(process.env.LAB_SIDE_RUNS ?? 2);
const LOOPBACK_HOSTS = ['mgmt', 'kvm1'];
const MINUTES = 60_000;

const layout = labLayout(LAB_DIR);
let lab: LabStatus;
let expected: Record<string, Record<string, string>>;
let fullMs = 0;
const sites: Site[] = [];
let cluster: Cluster | undefined;

function newLabSite(prefix: string): Site {
  const site = makeLabSite(lab, prefix);
  sites.push(site);
  return site;
}

function tail(r: Finished): string {
  return `${r.stdout.slice(-1500)}\n${r.stderr.slice(-1500)}`;
}

async function resumeAndCompare(site: Site, what: string): Promise<void> {
  const resumed = await finished(spawnLabInstall(site));
  expect(stackTraceLines(resumed.stdout + resumed.stderr), what).toEqual([]);
  expect(resumed.stderr, what).toBe('');
  expect(resumed.exitCode, `${what}: ${tail(resumed)}`).toBe(0);
  assertJournalIntact(site);
  expect(lastRunEnd(site), what).toMatchObject({ t: 'run-end', result: 'completed' });
  expect(await labEndState(site, lab, layout), what).toEqual(expected);
}

beforeAll(async () => {
  await labDown({ dir: LAB_DIR }); // a previous run killed half way
  lab = await labUp({
    hosts: 1,
    memory: 1024,
    dir: LAB_DIR,
    // Under TCG beside other suites' VMs a boot took up to 3.6 min here; give it room.
    bootTimeoutMs: 15 * MINUTES,
    onProgress: (m) => process.stdout.write(`lab: ${m}\n`),
  });
  expect(lab.machines.map((m) => m.name)).toEqual(['cloudstack-mgmt', 'kvm1']);
  const reference = newLabSite('r');
  const started = Date.now();
  const r = await finished(spawnLabInstall(reference));
  fullMs = Date.now() - started;
  expect(r.exitCode, tail(r)).toBe(0);
  expected = await labEndState(reference, lab, layout);
  expect(Object.keys(expected['cloudstack-mgmt']!)).toEqual([
    'etc/db.cnf',
    'etc/hosts',
    'var/finished',
    'var/settled',
    'var/work',
  ]);
  expect(Object.keys(expected.kvm1!)).toEqual([
    'etc/agent.properties',
    'etc/hosts',
    'var/finished',
    'var/settled',
    'var/work',
  ]);
  expect(expected['cloudstack-mgmt']!['etc/db.cnf']).toBe(
    '600 [client]\npassword=<CLOUD_DB_PASSWORD>\n',
  );
  expect(expected.kvm1!['var/work']).toBe('640 kvm1\nkvm\n');
}, 40 * MINUTES);

afterAll(async () => {
  try {
    for (const s of sites) {
      s.cleanup();
      rmSync(`/tmp/rb-overlap/${s.name}`, { recursive: true, force: true }); // loopback sites' step logs
    }
    cluster?.stop();
  } finally {
    await labDown({ dir: LAB_DIR });
  }
}, 10 * MINUTES);

describe('reliability on the lab (2 Debian 12 VMs under qemu)', () => {
  it(
    `kill -9 of the installer at a random moment (${KILLS} times), each followed by a resume`,
    async () => {
      const seed = Number(process.env.KILL_SEED ?? Date.now() % 100000);
      const random = seeded(seed);
      const landed: string[] = [];
      const trial = {
        area: 'interruptions',
        scenario:
          'lab VMs (Debian 12 under qemu): kill -9 of the installer at a random moment, then a resume',
        expected:
          'journal readable after the kill; resume exits 0 without a stack trace; both VMs equal an undisturbed run (files, modes)',
        notes: '',
      };
      let overlaps = 0;
      const notes = () =>
        `seed ${seed} (KILL_SEED); kill n at a random moment of the n-th of ${KILLS} equal parts of a whole install (${Math.round(fullMs / 1000)} s); killed ${landed.join('; ')}` +
        `; ${overlaps} of ${landed.length} resumes started a step again while the killed run's copy still ran on the VM`;
      await trackTrials(trial, KILLS, async (i) => {
        const site = newLabSite(`k${i}x`);
        // Random within the i-th of KILLS equal slices of an install, so the kills spread over
        // the start, the middle and the end of the run whatever the seed.
        const delay = Math.floor(((i + random()) * fullMs) / KILLS);
        const child = spawnLabInstall(site);
        await sleep(delay);
        child.kill('SIGKILL');
        const killed = await finished(child);
        landed.push(`at ${(delay / 1000).toFixed(1)} s ${whereKilled(site)}`);
        trial.notes = notes(); // read by trackTrials when it records, after the last run
        // An install that finished before the kill still counts: its resume must change nothing.
        if (killed.exitCode !== 0) expect(killed.exitCode, tail(killed)).toBe(-1);
        assertJournalIntact(site);
        await resumeAndCompare(site, `kill ${i} after ${delay} ms (seed ${seed})`);
        // D11 (fixed): a step the kill cut short runs on to its end on the VM; the resume's copy
        // waits for it on the step lock, so no step ever runs twice at once.
        const twice = await overlappingSteps(site, lab, layout);
        if (twice.length > 0) {
          overlaps++;
          landed[landed.length - 1] += ` (ran twice at once: ${twice.join(', ')})`;
        }
        trial.notes = notes();
        expect(twice, 'a step ran twice at once after the kill (D11)').toEqual([]);
      });
      process.stdout.write(`lab kills: ${notes()}\n`);
    },
    60 * MINUTES,
  );

  it(
    `a VM unreachable mid-step (its link in the lab namespace down), ${LINK_RUNS} times`,
    async () => {
      const link = labLink(lab, layout, 'kvm1');
      const messages: string[] = [];
      const trial = {
        area: 'interruptions',
        scenario:
          'lab VMs: a KVM host unreachable mid-step (its tap link in the lab namespace set down)',
        expected:
          'the installer ends by itself, exit 1, the failure names the host; no stack trace; journal readable; link up again, the resume exits 0; same end state',
        notes: '',
      };
      await trackTrials(trial, LINK_RUNS, async (i) => {
        // Every other run in plain output, as an operator reads it; the others as JSON events.
        const json = i % 2 === 0;
        const site = newLabSite(`n${i}x`);
        const child = spawnLabInstall(site, json);
        const inStep = await stepStarted(child, 'slow-work', 'kvm1');
        let r: Finished;
        await setLink(link, 'down');
        try {
          expect(await linkState(link)).toBe('DOWN');
          r = await finished(child);
        } finally {
          await setLink(link, 'up');
        }
        expect(inStep, `the install ended before slow-work started on kvm1: ${tail(r)}`).toBe(true);
        const out = r.stdout + r.stderr;
        expect(stackTraceLines(out), out.slice(-1500)).toEqual([]);
        expect(r.exitCode, tail(r)).toBe(1);
        let message: string;
        if (json) {
          const failure = jsonEvents(r.stdout).find(
            (e) => e.type === 'step-end' && e.status === 'failed',
          );
          expect(failure, tail(r)).toMatchObject({ host: 'kvm1', id: 'slow-work' });
          expect(
            jsonEvents(r.stdout).find((e) => e.type === 'summary'),
            tail(r),
          ).toMatchObject({ result: 'failed' });
          message = String(failure!.reason);
        } else {
          message = /^Step slow-work failed on kvm1: .*$/m.exec(out)?.[0] ?? '';
          expect(message, tail(r)).not.toBe('');
          expect(out).toContain(`resume with: runbook install --site ${site.file}`);
        }
        expect(message).toMatch(/kvm1/);
        messages.push(`${json ? 'json' : 'plain'}: "${message}"`);
        trial.notes = `messages: ${messages.join('; ')}`;
        assertJournalIntact(site);
        expect(lastRunEnd(site)).toMatchObject({ t: 'run-end', result: 'failed' });
        expect(await linkState(link)).not.toBe('DOWN');
        await resumeAndCompare(site, `link down ${i}`);
      });
      process.stdout.write(`lab link down: ${trial.notes}\n`);
    },
    60 * MINUTES,
  );

  it(
    `a lab install and an install on loopback sshd hosts side by side (${SIDE_RUNS} times)`,
    async () => {
      cluster = await startCluster(200);
      const loopSite = (prefix: string) => {
        const site = makeSite(cluster!, prefix, LOOPBACK_HOSTS.length);
        sites.push(site);
        return site;
      };
      const reference = loopSite('lr');
      const first = await runInstall(reference, ['--yes', '--json'], LAB_RUNBOOK);
      expect(first.exitCode, first.stderr).toBe(0);
      const loopExpected = endState(reference, LOOPBACK_HOSTS);
      expect(Object.keys(loopExpected.kvm1!)).toContain('var/settled');
      const labPorts = lab.machines.map((m) => `[127.0.0.1]:${m.sshPort}`).sort();
      const loopHosts = cluster.hosts
        .slice(0, 2)
        .map((h) => `[${h.address}]:${h.port}`)
        .sort();

      await trackTrials(
        {
          area: 'concurrency',
          scenario:
            'lab VMs beside loopback sshd hosts: an install on each at the same time, each site in its own folder',
          expected:
            "both exit 0; each journal holds only its own installer's run and known_hosts only its own hosts; each host equals a lone run; no files of one site on the other's hosts",
        },
        SIDE_RUNS,
        async (i) => {
          const labSite = newLabSite(`s${i}x`);
          const loop = loopSite(`sl${i}x`);
          const labChild = spawnLabInstall(labSite);
          const loopChild = spawnRunbook(loop, ['--yes', '--json'], LAB_RUNBOOK);
          const [a, b] = await Promise.all([finished(labChild), finished(loopChild)]);
          expect(a.exitCode, `lab: ${tail(a)}`).toBe(0);
          expect(b.exitCode, `loopback: ${tail(b)}`).toBe(0);
          for (const [site, pid, hosts] of [
            [labSite, labChild.pid, labPorts],
            [loop, loopChild.pid, loopHosts],
          ] as const) {
            assertJournalIntact(site);
            const runs = readJournal(journalFile(site)).filter((e) => e.t === 'run-start');
            expect(
              runs.map((e) => (e as { pid: number }).pid),
              site.name,
            ).toEqual([pid]);
            const known = readFileSync(join(site.dir, '.runbook', 'known_hosts'), 'utf8')
              .split('\n')
              .filter(Boolean)
              .map((l) => l.split(' ')[0]!);
            expect([...new Set(known)].sort(), site.name).toEqual(hosts);
          }
          expect(await labEndState(labSite, lab, layout)).toEqual(expected);
          expect(endState(loop, LOOPBACK_HOSTS)).toEqual(loopExpected);
          // Each site's files only where its own site file points.
          expect(endState(labSite, ['cloudstack-mgmt', 'kvm1'])).toEqual({
            'cloudstack-mgmt': {},
            kvm1: {},
          });
          for (const m of lab.machines)
            expect(await existsOnVm(lab, layout, m.name, loop.root)).toBe(false);
        },
      );
    },
    60 * MINUTES,
  );
});
