// Parsing: every recorded CloudStack response (../shared/reference/cloudstack-responses/)
// unwraps to its object or list, errors and failed jobs become clear errors, and the
// simulator answers with the same shapes.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap, envelope, pendingJobId } from '../../src/cloudstack/response.ts';
import { CloudStackError } from '../../src/cloudstack/errors.ts';
import { evaluatePath } from '../../src/cloudstack/json-path.ts';
import { startSimulator, type Simulator } from '../simulator/server.ts';
import { MemoryCredentials, fixturePlan, runApiSteps } from './harness.ts';

const RESPONSES = new URL('../../../shared/reference/cloudstack-responses/', import.meta.url)
  .pathname;
const REFERENCE = new URL('../../../shared/reference/cloudstack-api.json', import.meta.url)
  .pathname;

type Recorded = Record<string, Record<string, unknown>>;
const files = existsSync(RESPONSES)
  ? readdirSync(RESPONSES)
      .filter((f) => f.endsWith('.json'))
      .sort()
  : [];
const recorded: [string, string, unknown][] = files.flatMap((file) =>
  Object.entries(JSON.parse(readFileSync(join(RESPONSES, file), 'utf8')) as Recorded).map(
    ([api, body]) => [file, api, body] as [string, string, unknown],
  ),
);

/** The object or list the recorded body holds, found independently of unwrap(). */
function expectedPayload(api: string, body: Record<string, unknown>): unknown {
  const inner = Object.values(body)[0] as Record<string, unknown>;
  const payload = ('jobresult' in inner ? inner.jobresult : inner) as Record<string, unknown>;
  const arrays = Object.entries(payload).filter(([, v]) => Array.isArray(v));
  if (api.startsWith('list') || 'count' in payload) {
    const list = (arrays[0]?.[1] as unknown[]) ?? [];
    return api.startsWith('list') || list.length !== 1 ? list : list[0];
  }
  const objects = Object.entries(payload).filter(
    ([k, v]) => k !== 'count' && v && typeof v === 'object' && !Array.isArray(v),
  );
  return Object.keys(payload).length === 1 && objects.length === 1 ? objects[0]![1] : payload;
}

describe('parsing recorded CloudStack responses', () => {
  it('has the recorded responses to test against', () => {
    expect(files.length).toBeGreaterThanOrEqual(30);
    expect(recorded.length).toBeGreaterThanOrEqual(100);
  });

  it.each(recorded)('%s: %s unwraps to its object or list', (_file, api, body) => {
    const result = unwrap(api, body);
    expect(result).toEqual(expectedPayload(api, body as Record<string, unknown>));
    if (api.startsWith('list')) expect(Array.isArray(result)).toBe(true);
    else expect(result !== null && typeof result === 'object').toBe(true);
  });

  it('finds the objects the runbook captures from', () => {
    const byApi = Object.fromEntries(recorded.map(([, api, body]) => [api, body]));
    expect(evaluatePath(unwrap('createPhysicalNetwork', byApi.createPhysicalNetwork), 'id')).toBe(
      '256b3b3f-4a31-48f3-a939-79b01357fb87',
    );
    expect(evaluatePath(unwrap('addHost', byApi.addHost), 'id')).toBe(
      'd9960e4d-5da9-47be-af88-5cd19473b844',
    );
    expect(evaluatePath(unwrap('listHosts', byApi.listHosts), '[0].state')).toBe('Up');
    expect(unwrap('getUserKeys', byApi.getUserKeys)).toEqual({
      apikey: 'api-key',
      secretkey: 'secret-key',
    });
    expect(evaluatePath(unwrap('login', byApi.login), 'sessionkey')).toBe(
      'umn5ciBuEdorc784g4pJr-U5POM',
    );
    expect(unwrap('listVirtualMachines', byApi.listVirtualMachines)).toHaveLength(1);
    expect(unwrap('deleteCluster', byApi.deleteCluster)).toEqual({ success: true });
  });

  it('treats an empty list answer as an empty list', () => {
    expect(unwrap('listZones', { listzonesresponse: {} })).toEqual([]);
  });

  it('recognises the first answer of an async API as a job to wait for', () => {
    expect(
      pendingJobId(
        envelope('createPhysicalNetwork', {
          createphysicalnetworkresponse: { jobid: 'j1', id: 'n1' },
        }),
      ),
    ).toBe('j1');
    expect(
      pendingJobId(
        envelope('addHost', { addhostresponse: { count: 1, host: [{ id: 'h', jobid: 'x' }] } }),
      ),
    ).toBeUndefined();
  });

  it('turns the error shape into the code, the API and the parameter at fault', () => {
    const body = {
      createzoneresponse: {
        uuidList: [],
        errorcode: 431,
        cserrorcode: 9999,
        errortext: 'Unable to execute API command createzone due to missing parameter name',
      },
    };
    const err = (() => {
      try {
        unwrap('createZone', body);
      } catch (e) {
        return e as CloudStackError;
      }
    })();
    expect(err).toBeInstanceOf(CloudStackError);
    expect(err!.message).toBe(
      'createZone failed: CloudStack error 431 (parameter error), parameter "name": Unable to execute API command createzone due to missing parameter name',
    );
    expect(err!.transient).toBe(false);
  });

  it('turns a failed job (jobstatus 2) into its error text', () => {
    const body = {
      queryasyncjobresultresponse: {
        jobstatus: 2,
        jobresultcode: 530,
        jobresult: { errorcode: 530, errortext: 'Failed to add host: cannot connect' },
        jobid: 'j',
      },
    };
    expect(() => unwrap('addTrafficType', body)).toThrow(
      'addTrafficType failed: CloudStack error 530 (internal error): Failed to add host: cannot connect',
    );
  });
});

describe('the simulator answers in the recorded shapes', () => {
  let sim: Simulator;
  let keys: { apiKey: string; secretKey: string };
  beforeAll(async () => {
    sim = await startSimulator({
      delays: { jobMs: 20, hostUpMs: 50, systemVmStartMs: 50, agentUpMs: 50 },
    });
    const creds = new MemoryCredentials();
    const run = await runApiSteps(fixturePlan(), sim.endpoint, creds);
    expect(
      run.results.every((r) => r.result.status === 'changed' || r.result.status === 'ok'),
    ).toBe(true);
    keys = creds.keys!;
  });
  afterAll(async () => sim?.close());

  // APIs the simulator serves that also have a recorded answer: its fields must be ones
  // CloudStack uses for that object (recorded sample or the API reference's response list).
  const reference = existsSync(REFERENCE)
    ? (JSON.parse(readFileSync(REFERENCE, 'utf8')) as {
        apis: Record<string, { response: string[] }>;
      })
    : { apis: {} };
  const shared = [
    'listHosts',
    'listClusters',
    'listStoragePools',
    'listImageStores',
    'listVlanIpRanges',
    'listConfigurations',
    'listUsers',
  ];

  it.each(shared)('%s items carry only fields CloudStack shows', async (api) => {
    const { CloudStackClient } = await import('../../src/cloudstack/client.ts');
    const client = new CloudStackClient({ endpoint: sim.endpoint, keys });
    const ours = (await client.call(api, {})) as Record<string, unknown>[];
    expect(ours.length).toBeGreaterThan(0);
    const sample = recorded.find(([, a]) => a === api);
    const sampleItem = sample
      ? ((unwrap(api, sample[2]) as Record<string, unknown>[])[0] ?? {})
      : {};
    const singular = api.replace(/^list/, '').replace(/s$/, '');
    const creator = Object.keys(reference.apis).find(
      (n) => /^(create|add)/.test(n) && n.toLowerCase().endsWith(singular.toLowerCase()),
    );
    const allowed = new Set([
      ...Object.keys(sampleItem),
      ...(creator ? reference.apis[creator]!.response : []),
      ...(reference.apis[`update${singular}`]?.response ?? []),
    ]);
    const extra = Object.keys(ours[0]!).filter((k) => !allowed.has(k));
    expect(extra).toEqual([]);
  });
});
