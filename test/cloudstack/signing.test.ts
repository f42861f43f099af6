// Request signing checked against an independent client: Debian's python3-cs (exoscale's
// `cs` library), both by computing signatures for the same parameters and by pointing it at
// the simulator, whose checking code is separate from the client's.
import { execFile, execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeSignature, encodeValue, signedQuery } from '../../src/cloudstack/signing.ts';
import { CloudStackClient } from '../../src/cloudstack/client.ts';
import { ensureApiKeys } from '../../src/cloudstack/first-contact.ts';
import { startSimulator, type Simulator } from '../simulator/server.ts';
import { MemoryCredentials } from './harness.ts';

// Debian's python with python3-cs (scripts/system-packages.txt), not a pyenv shim.
const PYTHON = '/usr/bin/python3';

/** Async: the simulator lives in this process and must keep answering while python runs. */
function pythonAsync(script: string, input: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      PYTHON,
      ['-c', script],
      { encoding: 'utf8', timeout: 30_000 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`${err.message}\n${stderr}`));
        else resolve(JSON.parse(stdout));
      },
    );
    child.stdin!.end(JSON.stringify(input));
  });
}

function python(script: string, input: unknown): unknown {
  const out = execFileSync(PYTHON, ['-c', script], {
    input: JSON.stringify(input),
    encoding: 'utf8',
  });
  return JSON.parse(out);
}

const SIGN_WITH_CS = `
import json, sys
from cs.client import CloudStack
d = json.load(sys.stdin)
c = CloudStack(endpoint='http://unused', key='unused', secret=d['secret'])
out = []
for params in d['cases']:
    data = dict(params)
    c._sign(data)
    out.append(data['signature'])
print(json.dumps(out))
`;

const CASES: Record<string, string>[] = [
  { command: 'listZones', response: 'json', apiKey: 'plainKey' },
  {
    command: 'createZone',
    name: 'Zone One',
    dns1: '8.8.8.8',
    internaldns1: '172.16.10.1',
    networktype: 'Advanced',
    response: 'json',
    apiKey: 'K-y_Z',
  },
  {
    command: 'createPhysicalNetwork',
    name: "Physical (net) 1! it's",
    vlan: '100-200',
    zoneid: 'a/b=c&d+e',
    response: 'json',
    apiKey: 'k',
  },
  {
    command: 'addHost',
    url: 'http://172.16.10.3',
    username: 'root',
    password: 'p@ss w*rd%',
    response: 'json',
    apiKey: 'k',
    'details[0].key': 'x',
    'details[0].value': 'ünïcødé',
  },
  {
    command: 'updateConfiguration',
    name: 'secstorage.allowed.internal.sites',
    value: '172.16.10.0/24,10.0.0.0/8',
    response: 'json',
    apiKey: 'UPPER-lower',
  },
];

describe('request signing', () => {
  it('encodes values as java.net.URLEncoder does, spaces as %20', () => {
    expect(encodeValue('a b')).toBe('a%20b');
    expect(encodeValue("!'()*-._~")).toBe('%21%27%28%29*-._%7E');
    expect(encodeValue('a+b/c=d&e')).toBe('a%2Bb%2Fc%3Dd%26e');
    expect(encodeValue('é')).toBe('%C3%A9');
  });

  it('computes the same signatures as python3-cs for the same parameters', () => {
    const secret =
      'zV8kAYlyY4H-rEDO-Ot-VVPjKteVcU4haQcdRarte9wuOUhko3uzcnnFqNii8xifcpbe0eWR6IHAXjVGB2m1Hw';
    const theirs = python(SIGN_WITH_CS, { secret, cases: CASES }) as string[];
    const ours = CASES.map((p) => computeSignature(p, secret));
    expect(ours).toEqual(theirs);
    // and a wrong secret gives a different signature
    expect(computeSignature(CASES[0]!, secret + 'x')).not.toBe(theirs[0]);
  });

  it('sends apiKey, response=json and a URL-encoded signature', () => {
    const q = new URLSearchParams(
      signedQuery({ command: 'listZones', name: 'a b' }, 'KEY', 'SECRET'),
    );
    expect(q.get('apiKey')).toBe('KEY');
    expect(q.get('response')).toBe('json');
    expect(q.get('signature')).toBe(
      computeSignature(
        { command: 'listZones', name: 'a b', apiKey: 'KEY', response: 'json' },
        'SECRET',
      ),
    );
  });
});

describe('the simulator checks signatures like CloudStack', () => {
  let sim: Simulator;
  let keys: { apiKey: string; secretKey: string };

  beforeAll(async () => {
    sim = await startSimulator({ delays: { jobMs: 30 } });
    const creds = new MemoryCredentials();
    await ensureApiKeys(new CloudStackClient({ endpoint: sim.endpoint }), creds);
    keys = creds.keys!;
  });
  afterAll(async () => sim?.close());

  const CS_CALLS = `
import json, sys
from cs import CloudStack, CloudStackApiException
d = json.load(sys.stdin)
out = {}
for method in ('get', 'post'):
    c = CloudStack(endpoint=d['endpoint'], key=d['key'], secret=d['secret'], method=method)
    name = "cs zone (%s) it's 100%% *fine*" % method
    out[method] = c.createZone(name=name, dns1='8.8.8.8', internaldns1='172.16.10.1', networktype='Advanced')['zone']['name']
    out[method + '-list'] = [z['name'] for z in c.listZones(name=name)['zone']]
bad = CloudStack(endpoint=d['endpoint'], key=d['key'], secret=d['secret'] + 'x')
try:
    bad.listZones()
    out['bad'] = 'accepted'
except CloudStackApiException as e:
    out['bad'] = e.error
print(json.dumps(out))
`;

  it('accepts python3-cs requests (GET and POST, signature version 3) and rejects a wrong secret', async () => {
    const out = (await pythonAsync(CS_CALLS, {
      endpoint: sim.endpoint,
      key: keys.apiKey,
      secret: keys.secretKey,
    })) as Record<string, unknown>;
    expect(out.get).toBe("cs zone (get) it's 100% *fine*");
    expect(out['post-list']).toEqual(["cs zone (post) it's 100% *fine*"]);
    expect(out.bad).toMatchObject({
      errorcode: 401,
      errortext: 'unable to verify user credentials and/or request signature',
    });
  });

  it('accepts our client with awkward values that python3-cs created', async () => {
    const client = new CloudStackClient({ endpoint: sim.endpoint, keys });
    const zones = (await client.call('listZones', { name: "cs zone (get) it's 100% *fine*" })) as {
      name: string;
    }[];
    expect(zones.map((z) => z.name)).toEqual(["cs zone (get) it's 100% *fine*"]);
    const made = (await client.call('createZone', {
      name: 'ours ~ + / = & é',
      dns1: '8.8.8.8',
      internaldns1: '172.16.10.1',
      networktype: 'Advanced',
    })) as { name: string };
    expect(made.name).toBe('ours ~ + / = & é');
  });

  it('rejects our client with a wrong secret, with the upstream 401 text', async () => {
    const client = new CloudStackClient({
      endpoint: sim.endpoint,
      keys: { apiKey: keys.apiKey, secretKey: 'wrong' },
    });
    await expect(client.call('listZones')).rejects.toThrow(
      /listZones failed: CloudStack error 401 \(unauthorized\): unable to verify user credentials and\/or request signature/,
    );
  });
});
