// `runbook install --recheck`: a finished install on three loopback sshd hosts (API chapter
// against the simulator), then drift behind the installer's back on two of them: a config file
// edited on kvm1, a package "removed" on the management server. A dry recheck finds exactly
// those and changes nothing; a recheck heals them; untouched steps and hosts stay still-done.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJournal } from '../../src/state/journal.ts';
import { startSimulator, type Simulator } from '../simulator/server.ts';
import { makeSite, startCluster, type Cluster, type Site } from '../executor/cluster.ts';
import {
  SIMULATOR_DELAYS,
  ends,
  hostFile,
  key,
  runInstall,
  runStatus,
  started,
  type Event,
} from './harness.ts';

let cluster: Cluster;
let sim: Simulator;
let site: Site;
const AGENT = 'etc/agent.properties';
const PACKAGE = 'var/lib/dpkg/cloudstack-agent';
const DRIFTED = ['agent-config@kvm1', 'agent-package@mgmt'];
/** Steps on machines with neither check nor verify: nothing to recheck. */
const UNCHECKABLE = ['note@mgmt', 'note@kvm1', 'note@kvm2'];

beforeAll(async () => {
  cluster = await startCluster(244);
  sim = await startSimulator({ delays: SIMULATOR_DELAYS });
  site = makeSite(cluster, 'r', 3, sim.endpoint);
});
afterAll(async () => {
  site?.cleanup();
  cluster?.stop();
  await sim?.close();
});

const byResult = (events: Event[], result: string) =>
  events
    .filter((e) => e.recheck === result)
    .map(key)
    .sort();
const changingRequests = (from: number) =>
  sim.requests
    .slice(from)
    .map((r) => r.api)
    .filter((a) => /^(create|add|update|delete|remove|register)/.test(a));

describe('install --recheck', () => {
  it('installs, then rechecks: drift on two hosts is found and healed, the rest still done', async () => {
    const first = await runInstall(site);
    expect(first.code, first.text).toBe(0);
    expect(ends(first).map((e) => e.status)).not.toContain('failed');

    writeFileSync(join(site.root, 'kvm1', AGENT), 'host=10.9.9.9\nzone=Zone1\n');
    writeFileSync(
      join(site.root, 'mgmt', PACKAGE),
      'Package: cloudstack-agent\nStatus: deinstall ok config-files\n',
    );
    const checkable = ends(first)
      .filter((e) => e.host !== 'api')
      .map(key)
      .filter((k) => !UNCHECKABLE.includes(k))
      .sort();

    // --dry-run: every finished step looked at, nothing changed.
    const requestsBefore = sim.requests.length;
    const dry = await runInstall(site, ['--recheck', '--dry-run']);
    expect(dry.code, dry.text).toBe(0);
    const findings = dry.events.filter((e) => e.type === 'dry-run');
    expect(byResult(findings, 'drifted')).toEqual(DRIFTED);
    expect(byResult(findings, 'still-done')).toEqual(checkable.filter((k) => !DRIFTED.includes(k)));
    expect(byResult(findings, 'not-checkable')).toEqual(
      [
        ...UNCHECKABLE,
        ...ends(first)
          .filter((e) => e.host === 'api')
          .map(key),
      ].sort(),
    );
    expect(findings.find((e) => key(e) === 'agent-config@kvm1')).toMatchObject({
      action: 'run',
      reason: 'its check exited with status 1',
    });
    expect(findings.find((e) => key(e) === 'service@mgmt')?.reason).toBe(
      'no check; its verify passes',
    );
    expect(dry.events.filter((e) => e.type === 'step-start')).toEqual([]);
    expect(hostFile(site, 'kvm1', AGENT)).toContain('host=10.9.9.9');
    expect(hostFile(site, 'mgmt', PACKAGE)).toContain('deinstall');
    expect(dry.events.at(-1)).toMatchObject({
      type: 'summary',
      recheck: { drifted: 2, stillDone: checkable.length - 2 },
    });

    // status: when each machine was looked at, and the two drifted steps.
    const afterDry = JSON.parse(runStatus(site, true)) as {
      machines: { name: string; lastChecked?: { counts: Record<string, number> } }[];
      steps: { id: string; host: string; drifted: boolean }[];
      toRun: number;
    };
    expect(afterDry.machines.map((m) => [m.name, m.lastChecked?.counts.drifted])).toEqual([
      ['mgmt', 1],
      ['kvm1', 1],
      ['kvm2', 0],
    ]);
    expect(
      afterDry.steps
        .filter((s) => s.drifted)
        .map(key)
        .sort(),
    ).toEqual(DRIFTED);
    expect(afterDry.toRun).toBe(2);

    // The recheck heals exactly the drifted steps.
    const healing = await runInstall(site, ['--recheck']);
    expect(healing.code, healing.text).toBe(0);
    const healed = ends(healing).filter((e) => e.recheck === 'drifted');
    expect(healed.map(key).sort()).toEqual(DRIFTED);
    expect(healed.map((e) => e.status)).toEqual(['changed', 'changed']);
    expect(
      ends(healing)
        .filter((e) => e.status !== 'skipped')
        .map(key)
        .sort(),
    ).toEqual(DRIFTED);
    expect(
      ends(healing)
        .filter((e) => e.recheck === 'still-done')
        .every((e) => e.status === 'skipped'),
    ).toBe(true);
    expect(hostFile(site, 'kvm1', AGENT)).toBe('host=172.16.10.2\nzone=Zone1\n');
    expect(hostFile(site, 'mgmt', PACKAGE)).toContain('Status: install ok installed');
    // No API call that changes anything; the note step (no check) did not run again.
    expect(changingRequests(requestsBefore)).toEqual([]);
    expect(hostFile(site, 'kvm2', 'var/notes').trim().split('\n')).toHaveLength(1);

    // Healed: a plain install has nothing left to do.
    const quiet = await runInstall(site);
    expect(started(quiet)).toEqual([]);
    expect(runStatus(site, false)).toMatch(/kvm2\s+\d{4}-\d\d-\d\dT\S+: \d+ still done, 0 drifted/);
  });

  it('a drift found by a dry recheck is re-run by the next plain install', async () => {
    writeFileSync(join(site.root, 'kvm2', AGENT), 'host=10.9.9.9\n');
    const dry = await runInstall(site, ['--recheck', '--dry-run'], false);
    expect(dry.code).toBe(0);
    expect(dry.text).toMatch(/\[kvm2\] drifted\s+agent-config \(its check exited with status 1\)/);
    expect(dry.text).toContain('1 drifted');
    expect(dry.text).toContain('runbook install --recheck');
    const next = await runInstall(site);
    expect(next.code, next.text).toBe(0);
    expect(started(next)).toEqual(['agent-config@kvm2']);
    expect(ends(next).find((e) => key(e) === 'agent-config@kvm2')?.status).toBe('changed');
    expect(hostFile(site, 'kvm2', AGENT)).toContain('host=172.16.10.2');
  });

  it('a drift mended by hand after a dry recheck is found still done, not re-run', async () => {
    const good = hostFile(site, 'kvm1', AGENT);
    writeFileSync(join(site.root, 'kvm1', AGENT), 'host=10.9.9.9\n');
    const dry = await runInstall(site, ['--recheck', '--dry-run']);
    expect(byResult(dry.events, 'drifted')).toEqual(['agent-config@kvm1']);
    writeFileSync(join(site.root, 'kvm1', AGENT), good);
    const again = await runInstall(site, ['--recheck']);
    expect(again.code, again.text).toBe(0);
    expect(byResult(ends(again), 'drifted')).toEqual([]);
    expect(ends(again).find((e) => key(e) === 'agent-config@kvm1')).toMatchObject({
      status: 'skipped',
      recheck: 'still-done',
    });
    expect(ends(again).filter((e) => e.status !== 'skipped')).toEqual([]);
    expect(started(await runInstall(site))).toEqual([]);
  });

  it('a host that does not answer fails the recheck instead of passing for checked', async () => {
    const kvm2 = cluster.hosts[2]!;
    kvm2.kill();
    try {
      const run = await runInstall(site, ['--recheck']);
      expect(run.code).toBe(1);
      const failed = ends(run).filter((e) => e.status === 'failed');
      expect(failed.map((e) => e.host)).toEqual(['kvm2']);
      expect((failed[0]!.failure as { message: string }).message).toMatch(/kvm2|127\.0\.0\.250/);
      expect(failed[0]!.recheck).toBeUndefined();
      // Not recorded as checked: the journal has no recheck of kvm2 from this run.
      const journal = readJournal(join(site.dir, '.runbook', 'journal.jsonl'));
      const runId = journal.filter((e) => e.t === 'run-start').at(-1)!.run;
      expect(
        journal.filter((e) => e.t === 'step-check' && e.run === runId && e.host === 'kvm2'),
      ).toEqual([]);
    } finally {
      await kvm2.start();
    }
  });
});
