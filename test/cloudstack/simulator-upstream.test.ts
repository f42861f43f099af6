// The simulator behaves as upstream does where the installer depends on it: long synchronous
// calls held open (with what is listed meanwhile), upstream's texts and codes for duplicates,
// missing parameters and wrong states, and a dropped connection that does not stop the work.
// Also `runbook api add host` against it: one send, success, progress while it waits.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CloudStackClient } from '../../src/cloudstack/client.ts';
import { CloudStackError } from '../../src/cloudstack/errors.ts';
import { requestTimeoutMs } from '../../src/cloudstack/api-timing.ts';
import { run as apiCommand } from '../../installer/commands/api.ts';
import { startSimulator, type Simulator } from '../simulator/server.ts';
import { addHostAnswerMs, scaledTiming } from '../simulator/timing.ts';
import { MemoryCredentials, fixturePlan, hostListed, runApiSteps } from './harness.ts';

const SCALE = 0.004; // addHost answers after 1.2 s, where the old client gave up after 0.24 s

describe('the simulator in upstream timing', () => {
  let sim: Simulator;
  let client: CloudStackClient;
  let ids: Record<string, string>;
  let creds: MemoryCredentials;

  beforeEach(async () => {
    creds = new MemoryCredentials();
    sim = await startSimulator({ timing: SCALE });
    const plan = fixturePlan([{ address: '172.16.10.3', hostname: 'kvm1' }]);
    const run = await runApiSteps(plan, sim.endpoint, creds, {}, (s) =>
      ['api-login', 'zone-create', 'zone-pod', 'zone-cluster'].includes(s.id),
    );
    ids = run.captured;
    client = new CloudStackClient({ endpoint: sim.endpoint, keys: creds.keys });
  });
  afterEach(async () => sim?.close());

  const host = (address: string) => ({
    zoneid: ids.ZONE_ID!,
    podid: ids.POD_ID!,
    clusterid: ids.CLUSTER_ID!,
    hypervisor: 'KVM',
    url: `http://${address}`,
    username: 'root',
  });
  const failure = async (p: Promise<unknown>) => {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CloudStackError);
    return err as CloudStackError;
  };

  it('holds addHost open until the agent is Up, listing the host Connecting meanwhile', async () => {
    const started = Date.now();
    const adding = client.call('addHost', host('172.16.10.3'));
    const d = sim.cloud.delays;
    await hostListed(sim.cloud, '172.16.10.3');
    expect(await client.call('listHosts', { type: 'Routing' })).toMatchObject([
      { ipaddress: '172.16.10.3', state: 'Connecting' },
    ]);
    // a second addHost now: upstream's refusal, wrapped as ResourceManagerImpl wraps it
    const second = await failure(client.call('addHost', host('172.16.10.3')));
    expect(second.errorCode).toBe(530);
    expect(second.errorText).toMatch(
      /^Could not add host at \[http:\/\/172\.16\.10\.3\] with zone \[\d+\], pod \[\d+\] and cluster \[\d+\] due to: \[ can't setup agent, due to com\.cloud\.utils\.exception\.CloudRuntimeException: Skipping host 172\.16\.10\.3 because [0-9a-f-]{36} is already in the database for resource [0-9a-f-]{36}-LibvirtComputingResource with ID [0-9a-f-]{36}/,
    );
    expect(await adding).toMatchObject({ ipaddress: '172.16.10.3', state: 'Up' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(addHostAnswerMs(d) - 50);
  });

  it('fails addHost after ten looks when the agent never calls in, with upstream text', async () => {
    sim.cloud.silentAgents.add('172.16.10.9');
    const err = await failure(client.call('addHost', host('172.16.10.9')));
    expect(err.errorCode).toBe(530);
    expect(err.errorText).toBe(
      'Unable to add the host: Cannot find the server resources at http://172.16.10.9',
    );
  });

  it('refuses createStoragePool without an Up host, and a second pool on the same export', async () => {
    const pool = {
      zoneid: ids.ZONE_ID!,
      podid: ids.POD_ID!,
      clusterid: ids.CLUSTER_ID!,
      name: 'p1',
      scope: 'cluster',
      url: 'nfs://172.16.10.2/export/primary',
    };
    const noHost = await failure(client.call('createStoragePool', pool));
    expect(noHost.errorText).toMatch(
      /^Failed to add data store: No host up to associate a storage pool with in cluster \d+$/,
    );
    await client.call('addHost', host('172.16.10.3'));
    expect(await client.call('createStoragePool', pool)).toMatchObject({ name: 'p1', state: 'Up' });
    const again = await failure(client.call('createStoragePool', { ...pool, name: 'p2' }));
    expect(again.errorText).toMatch(
      /^Failed to add data store: Storage pool \/export\/primary already in use by another pod \(id=\d+\)$/,
    );
  });

  it('answers a second addImageStore of that name with upstream 431 "already exists"', async () => {
    const store = {
      provider: 'NFS',
      zoneid: ids.ZONE_ID!,
      name: 's1',
      url: 'nfs://172.16.10.2/export/secondary',
    };
    await client.call('addImageStore', store);
    const err = await failure(client.call('addImageStore', store));
    expect(err.errorCode).toBe(431);
    expect(err.errorText).toBe(
      'The image store with name s1 already exists, try creating with another name',
    );
    // the system VM template was registered on the zone's first store
    expect(
      await client.call('listTemplates', { templatefilter: 'all', templatetype: 'SYSTEM' }),
    ).toMatchObject([{ templatetype: 'SYSTEM', isready: true }]);
  });

  it('names a missing parameter as upstream does, before any work', async () => {
    const res = await fetch(`${sim.endpoint}?command=listZones&response=json`);
    expect(res.status).toBe(401); // unsigned: refused first
    const { url: _url, ...noUrl } = host('172.16.10.3');
    const err = await failure(client.call('addHost', noUrl));
    expect(err.errorCode).toBe(431);
    expect(err.errorText).toBe(
      'Unable to execute API command addhost due to missing parameter url',
    );
  });

  it('finishes a call whose connection it dropped, as a real management server does', async () => {
    sim.faults.drop.push({ api: 'addHost', afterMs: 100 });
    const err = await client.call('addHost', host('172.16.10.3')).catch((e: Error) => e);
    expect(String(err)).toMatch(
      /addHost: cannot reach .*socket hang up.*CloudStack may still be working on it/,
    );
    const d = sim.cloud.delays;
    await new Promise((r) => setTimeout(r, addHostAnswerMs(d)));
    expect(await client.call('listHosts', { type: 'Routing' })).toMatchObject([
      { ipaddress: '172.16.10.3', state: 'Up' },
    ]);
  });

  it('`runbook api add host` waits past the old 60 s (scaled), sends once, succeeds, shows progress', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const started = Date.now();
    const code = await apiCommand({
      args: ['add', 'host', ...Object.entries(host('172.16.10.3')).map(([k, v]) => `${k}=${v}`)],
      endpoint: sim.endpoint,
      apiKey: creds.keys!.apiKey,
      secretKey: creds.keys!.secretKey,
      out: (t) => out.push(t),
      err: (t) => err.push(t),
      timing: { timeScale: SCALE, progressEveryMs: 50 },
    });
    const ms = Date.now() - started;
    expect(code, err.join('')).toBe(0);
    // longer than the old client's 60 s for every request, in the same scale
    expect(ms).toBeGreaterThan(requestTimeoutMs('listZones', SCALE));
    expect(ms).toBeGreaterThanOrEqual(addHostAnswerMs(scaledTiming(SCALE)) - 50);
    expect(sim.requests.filter((r) => r.api === 'addHost')).toHaveLength(1);
    expect(JSON.parse(out.join(''))).toMatchObject({ ipaddress: '172.16.10.3', state: 'Up' });
    expect(err.join('')).toContain(
      'runbook api: addHost: waiting for the KVM agent on 172.16.10.3 to connect, 0s\n',
    );
  });
});
