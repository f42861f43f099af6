// https endpoints are verified (an operator-named CA file is trusted, nothing else), and the
// commands find the API keys in the site's state file.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudStackClient } from '../../src/cloudstack/client.ts';
import { InputError } from '../../src/diagnostics.ts';
import { stateFileCredentials } from '../../src/cloudstack/state-credentials.ts';
import { ensureApiKeys } from '../../src/cloudstack/first-contact.ts';
import { run as apiCommand } from '../../installer/commands/api.ts';
import { run as verifyCommand } from '../../installer/commands/verify.ts';
import { startSimulator, type Simulator } from '../simulator/server.ts';
import { ADMIN_PASSWORD } from './harness.ts';

describe('TLS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cs-tls-'));
  let server: Server;
  let port: number;

  beforeAll(async () => {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    server = createServer(
      { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
      (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(
          JSON.stringify({
            listzonesresponse: { count: 1, zone: [{ id: 'z', name: 'TLS zone' }] },
          }),
        );
      },
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const keys = { apiKey: 'k', secretKey: 's' };

  it('refuses a certificate it cannot verify, saying what to do', async () => {
    const client = new CloudStackClient({
      endpoint: `https://127.0.0.1:${port}/client/api`,
      keys,
      retry: { attempts: 1, initialMs: 1, maxMs: 1 },
    });
    await expect(client.call('listZones')).rejects.toThrow(
      /certificate is not trusted: name the CA file/,
    );
  });

  it('trusts the operator-named CA file', async () => {
    const client = new CloudStackClient({
      endpoint: `https://127.0.0.1:${port}/client/api`,
      keys,
      caFile: join(dir, 'cert.pem'),
    });
    expect(await client.call('listZones')).toEqual([{ id: 'z', name: 'TLS zone' }]);
  });

  it('names a CA file it cannot read', async () => {
    const client = new CloudStackClient({
      endpoint: `https://127.0.0.1:${port}/client/api`,
      keys,
      caFile: join(dir, 'missing.pem'),
    });
    await expect(client.call('listZones')).rejects.toThrow(
      /cannot read the CA file .*missing\.pem/,
    );
  });
});

describe('keys in the state file', () => {
  let sim: Simulator;
  let siteFile: string;
  beforeAll(async () => {
    sim = await startSimulator();
    const dir = mkdtempSync(join(tmpdir(), 'cs-state-'));
    siteFile = join(dir, 'site.yaml');
    writeFileSync(siteFile, `name: statetest\ncloudstack:\n  endpoint: ${sim.endpoint}\n`);
    mkdirSync(join(dir, '.runbook'), { mode: 0o700 });
    writeFileSync(
      join(dir, '.runbook', 'state.json'),
      JSON.stringify({ secrets: { ADMIN_PASSWORD }, captured: { ZONE_ID: 'kept' } }),
      { mode: 0o600 },
    );
  });
  afterAll(async () => sim?.close());

  it('refuses to run without keys, saying how to get them', async () => {
    await expect(apiCommand({ args: ['listZones'], site: siteFile })).rejects.toBeInstanceOf(
      InputError,
    );
    await expect(verifyCommand({ site: siteFile })).rejects.toThrow(
      /no CloudStack API keys in the state file/,
    );
  });

  it('keeps keys made at first contact in the state file (0600), beside what was there', async () => {
    const stateFile = join(siteFile, '..', '.runbook', 'state.json');
    await ensureApiKeys(
      new CloudStackClient({ endpoint: sim.endpoint }),
      stateFileCredentials(stateFile),
    );
    const state = JSON.parse(readFileSync(stateFile, 'utf8'));
    expect(state.secrets.CLOUDSTACK_API_KEY).toBe(sim.cloud.users[0]!.apikey);
    expect(state.secrets.CLOUDSTACK_SECRET_KEY).toBe(sim.cloud.users[0]!.secretkey);
    expect(state.secrets.ADMIN_PASSWORD).toBe(ADMIN_PASSWORD);
    expect(state.captured.ZONE_ID).toBe('kept');
    expect(statSync(stateFile).mode & 0o777).toBe(0o600);
  });

  it('`runbook api` uses them', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await apiCommand({
      args: [
        'createZone',
        'name=From state',
        'dns1=8.8.8.8',
        'internaldns1=172.16.10.1',
        'networktype=Advanced',
      ],
      site: siteFile,
      out: (t) => out.push(t),
      err: (t) => err.push(t),
    });
    expect(code).toBe(0);
    expect(JSON.parse(out.join(''))).toMatchObject({
      name: 'From state',
      allocationstate: 'Disabled',
    });
    expect(err.join('')).toContain('[simulated]');
    expect(out.join('') + err.join('')).not.toContain(sim.cloud.users[0]!.secretkey!);
  });

  it('`runbook api` stops bad input before sending anything', async () => {
    const before = sim.requests.length;
    await expect(apiCommand({ args: ['list', 'zonez'], site: siteFile })).rejects.toThrow(
      /no CloudStack API is called "list zonez"/,
    );
    await expect(apiCommand({ args: ['createZone', 'name=x'], site: siteFile })).rejects.toThrow(
      /createZone needs "dns1", "internaldns1", "networktype"/,
    );
    expect(sim.requests.length).toBe(before);
  });
});

describe('an endpoint that does not answer', () => {
  it('makes verify exit 1 saying it cannot reach the API', async () => {
    const { createServer } = await import('node:net');
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const err: string[] = [];
    const code = await verifyCommand({
      endpoint: `http://127.0.0.1:${port}/client/api`,
      apiKey: 'k',
      secretKey: 's',
      out: () => {},
      err: (t) => err.push(t),
    });
    expect(code).toBe(1);
    expect(err.join('')).toMatch(
      /runbook verify: cannot reach 127\.0\.0\.1:\d+: .*ECONNREFUSED.*is cloudstack-management running/,
    );
  });
});
