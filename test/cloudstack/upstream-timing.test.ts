// The bundled zone chapter against a simulator in upstream's timing (scaled: addHost holds its
// request for 5 minutes × SCALE, addImageStore for 10): it passes in one run with every create
// sent once, also when the connection of addHost or addImageStore is dropped mid-call (the
// simulated server finishes the work, as a real one does), and upstream's "already exists"
// answers are read as found.
import { afterEach, describe, expect, it } from 'vitest';
import { isReadOnly } from '../../src/cloudstack/api-timing.ts';
import { startSimulator, type Simulator } from '../simulator/server.ts';
import { TEST_SCALE, UPSTREAM_TIMING, addHostAnswerMs } from '../simulator/timing.ts';
import {
  MemoryCredentials,
  bundledPlan,
  hostListed,
  runApiSteps,
  scaledClient,
  stepById,
} from './harness.ts';

const SCALE = TEST_SCALE;
const plan = bundledPlan();
const hostName = (a: string) => plan.machines.find((m) => m.address === a)?.name ?? a;

/** Every call the plan's api steps make that changes something, counted per API. */
function plannedChanges(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const step of plan.steps.filter((s) => s.on === 'api'))
    for (const a of step.actions)
      if (a.kind === 'api' && !isReadOnly(a.command))
        counts[a.command] = (counts[a.command] ?? 0) + 1;
  // the first contact: log in, set the admin password, make keys, log out
  for (const api of ['login', 'updateUser', 'registerUserKeys', 'logout']) counts[api] = 1;
  return counts;
}

function sentChanges(sim: Simulator): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of sim.requests)
    if (!isReadOnly(r.api) && r.api !== 'listCapabilities')
      counts[r.api] = (counts[r.api] ?? 0) + 1;
  return counts;
}

describe('the zone chapter in upstream timing (scaled)', () => {
  let sim: Simulator | undefined;
  afterEach(async () => sim?.close());

  async function buildZone(setup?: (sim: Simulator) => void) {
    sim = await startSimulator({ timing: SCALE });
    setup?.(sim);
    const progress: { text: string; elapsedMs: number }[] = [];
    const started = Date.now();
    const run = await runApiSteps(plan, sim.endpoint, new MemoryCredentials(), {}, undefined, {
      timing: scaledClient(SCALE),
      hostName,
      progress: (text, elapsedMs) => progress.push({ text, elapsedMs }),
    });
    return { sim, run, progress, ms: Date.now() - started };
  }

  it('passes in one run, each create sent exactly once, waiting as long as upstream works', async () => {
    const { sim, run, progress, ms } = await buildZone();
    const bad = run.results.filter((r) => !['ok', 'changed'].includes(r.result.status));
    expect(bad, JSON.stringify(bad, null, 2)).toEqual([]);
    expect(sentChanges(sim)).toEqual(plannedChanges());
    // the calls were held as upstream holds them: two hosts and the template copy at least
    const d = sim.cloud.delays;
    expect(ms).toBeGreaterThanOrEqual(2 * addHostAnswerMs(d) + d.templateCopyMs);
    expect(sim.cloud.objects.host.filter((h) => h.type === 'Routing').map((h) => h.state)).toEqual([
      'Up',
      'Up',
    ]);
    expect(sim.cloud.objects.template.filter((t) => t.templatetype === 'SYSTEM')).toHaveLength(1);
    // progress while waiting, naming the machine
    const texts = progress.map((p) => p.text);
    expect(texts).toContain('addHost: waiting for the KVM agent on kvm1 (172.16.10.3) to connect');
    expect(texts).toContain('addHost: waiting for the KVM agent on kvm2 (172.16.10.4) to connect');
    expect(
      texts.some((t) =>
        /^addImageStore: CloudStack is copying the system VM template to nfs:/.test(t),
      ),
    ).toBe(true);
    expect(
      Math.max(
        ...progress.filter((p) => p.text.startsWith('addImageStore')).map((p) => p.elapsedMs),
      ),
    ).toBeGreaterThan(d.templateCopyMs / 2);
  });

  it('reports an async job that lasts, not one that ends at once', async () => {
    sim = await startSimulator({ timing: SCALE });
    const progress: string[] = [];
    const creds = new MemoryCredentials();
    const ids = await runApiSteps(plan, sim.endpoint, creds, {}, (s) =>
      ['api-admin-user', 'zone-create'].includes(s.id),
    );
    sim.cloud.delays.jobMs = 300; // createPhysicalNetwork's job
    await runApiSteps(plan, sim.endpoint, creds, ids.captured, (s) => s.id === 'physical-network', {
      timing: { ...scaledClient(SCALE), progressEveryMs: 50 },
      progress: (text) => progress.push(text),
    });
    expect(progress.some((t) => /^createPhysicalNetwork: job [0-9a-f-]+ running$/.test(t))).toBe(
      true,
    );
    sim.cloud.delays.jobMs = 1;
    progress.length = 0;
    await runApiSteps(plan, sim.endpoint, creds, ids.captured, (s) => s.id === 'traffic-types', {
      timing: { ...scaledClient(SCALE), progressEveryMs: 50 },
      progress: (text) => progress.push(text),
    });
    expect(progress).toEqual([]);
  });

  it.each([
    // dropped a third of the way into each call: the server is then still at work
    ['addHost', Math.round(addHostAnswerMs(UPSTREAM_TIMING) * SCALE * 0.3)],
    ['addImageStore', Math.round(UPSTREAM_TIMING.templateCopyMs * SCALE * 0.3)],
  ])('sends %s once even when its connection drops mid-call', async (api, afterMs) => {
    const { sim, run } = await buildZone((s) => s.faults.drop.push({ api, afterMs }));
    const bad = run.results.filter((r) => !['ok', 'changed'].includes(r.result.status));
    expect(bad, JSON.stringify(bad, null, 2)).toEqual([]);
    expect(sim.requests.filter((r) => r.api === api && r.dropped)).toHaveLength(1);
    expect(sentChanges(sim)).toEqual(plannedChanges());
    const log = run.log.join('\n');
    expect(log).toMatch(
      new RegExp(`${api}: cannot reach .*socket hang up.*not sent again blindly; looking for`),
    );
    expect(log).toContain(`${api}: CloudStack did it after all`);
    expect(sim.cloud.objects.zone[0]!.allocationstate).toBe('Enabled');
  });
});

describe('upstream says it already exists', () => {
  let sim: Simulator | undefined;
  afterEach(async () => sim?.close());

  it('reads "A zone with that name already exists" as found and captures that zone', async () => {
    sim = await startSimulator({ timing: SCALE });
    const s = sim;
    let theirs: string | undefined;
    // Another client creates the zone between the installer's lookup and its createZone.
    s.faults.onRequest = (api, params) => {
      if (api === 'createZone' && !theirs)
        theirs = s.cloud.add('zone', { name: params.name, allocationstate: 'Disabled' }).id;
    };
    const run = await runApiSteps(plan, s.endpoint, new MemoryCredentials(), {}, (st) =>
      ['api-admin-user', 'zone-create', 'physical-network'].includes(st.id),
    );
    expect(run.results.map((r) => r.result.status)).toEqual(['changed', 'ok', 'changed']);
    expect(run.captured.ZONE_ID).toBe(theirs);
    expect(s.cloud.objects.zone).toHaveLength(1);
    expect(run.log.join('\n')).toContain(
      'createZone: CloudStack says it already exists; using Zone1',
    );
    expect(s.requests.filter((r) => r.api === 'createZone')).toHaveLength(1);
  });

  it.each([
    // LibvirtServerDiscoverer.find's "Skipping host ... is already in the database" (530, wrapped)
    [
      'addHost',
      'hosts-add',
      (s: Simulator, p: Record<string, string>) =>
        s.cloud.add('host', {
          name: 'kvm1',
          type: 'Routing',
          ipaddress: new URL(p.url!).hostname,
          zoneid: p.zoneid,
          clusterid: p.clusterid,
          state: 'Up',
          resourcestate: 'Enabled',
          _guid: 'theirs-LibvirtComputingResource',
          _upAt: 0, // its agent connected long ago
        }),
      'using kvm1',
    ],
    // StorageManagerImpl.discoverImageStore's "The image store with name ... already exists" (431)
    [
      'addImageStore',
      'secondary-storage',
      (s: Simulator, p: Record<string, string>) =>
        s.cloud.add('imagestore', {
          name: p.name,
          url: 'nfs://elsewhere/export/secondary',
          zoneid: p.zoneid,
        }),
      'using Secondary1',
    ],
  ])(
    'reads upstream\'s "already exists" answer to %s as found, not as a failure',
    async (api, lastStep, theirs, using) => {
      sim = await startSimulator({ timing: SCALE });
      const s = sim;
      let made: { id: string } | undefined;
      // Another client adds it between the installer's lookup and its call.
      s.faults.onRequest = (called, params) => {
        if (called === api && !made) made = theirs(s, params);
      };
      const last = plan.steps.findIndex((st) => st.id === lastStep);
      const run = await runApiSteps(
        plan,
        s.endpoint,
        new MemoryCredentials(),
        {},
        (st) => plan.steps.indexOf(st) <= last,
        { timing: scaledClient(SCALE) },
      );
      const bad = run.results.filter((r) => !['ok', 'changed'].includes(r.result.status));
      expect(bad, JSON.stringify(bad, null, 2)).toEqual([]);
      expect(made).toBeDefined();
      expect(run.log.join('\n')).toContain(`${api}: CloudStack says it already exists; ${using}`);
      // nothing sent again after upstream's answer: one call per line of the step
      const lines = stepById(plan, lastStep).actions.filter((a) => a.kind === 'api').length;
      expect(s.requests.filter((r) => r.api === api)).toHaveLength(lines);
    },
  );

  it('waits for a host another addHost is still adding, instead of adding it again', async () => {
    sim = await startSimulator({ timing: SCALE });
    const s = sim;
    const creds = new MemoryCredentials();
    const upToHosts = await runApiSteps(
      plan,
      s.endpoint,
      creds,
      {},
      (st) =>
        st.id !== 'hosts-add' &&
        plan.steps.indexOf(st) < plan.steps.findIndex((x) => x.id === 'hosts-add'),
    );
    expect(upToHosts.results.every((r) => ['ok', 'changed'].includes(r.result.status))).toBe(true);
    // A first addHost for kvm1 is under way (its answer will be lost to us) ...
    const { CloudStackClient } = await import('../../src/cloudstack/client.ts');
    const other = new CloudStackClient({ endpoint: s.endpoint, keys: creds.keys });
    const first = other.call('addHost', {
      zoneid: upToHosts.captured.ZONE_ID!,
      podid: upToHosts.captured.POD_ID!,
      clusterid: upToHosts.captured.CLUSTER_ID!,
      hypervisor: 'KVM',
      url: 'http://172.16.10.3',
      username: 'root',
      password: '',
    });
    // Under a failed assertion below the simulator closes under it; its rejection is then expected.
    first.catch(() => undefined);
    // ... and its agent has called in: the host is listed, Connecting.
    expect((await hostListed(s.cloud, '172.16.10.3'))?.state).toBe('Connecting');
    const run = await runApiSteps(
      plan,
      s.endpoint,
      creds,
      upToHosts.captured,
      (st) => st.id === 'hosts-add',
      {
        timing: scaledClient(SCALE),
      },
    );
    await first;
    expect(run.results[0]!.result.status).toBe('changed');
    expect(run.log.join('\n')).toContain(
      'addHost: host 172.16.10.3 is there but Connecting; waiting for it',
    );
    // one addHost each: the other client's for kvm1, the installer's for kvm2
    expect(s.requests.filter((r) => r.api === 'addHost')).toHaveLength(2);
    expect(s.cloud.objects.host.filter((h) => h.type === 'Routing').map((h) => h.state)).toEqual([
      'Up',
      'Up',
    ]);
  });
});
