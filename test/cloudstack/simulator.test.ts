// The simulator itself: runnable standalone, always says what it is, authenticates sessions
// as CloudStack does, rejects what the reference rejects, and moves state on its own clock.
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../simulator/server.ts';
import { CloudStackClient } from '../../src/cloudstack/client.ts';
import { ensureApiKeys } from '../../src/cloudstack/first-contact.ts';
import { verifyCloud } from '../../src/cloudstack/verify.ts';
import { MemoryCredentials, eventually, fixturePlan, runApiSteps } from './harness.ts';

const MAIN = new URL('../simulator/main.ts', import.meta.url).pathname;

describe('simulator', () => {
  let sim: Simulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it('runs standalone and prints its URL', async () => {
    const child = spawn(process.execPath, [MAIN, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('\n')) resolve(out.split('\n')[0]!);
        });
        child.on('exit', (code) => reject(new Error(`exited ${code}`)));
      });
      expect(line).toMatch(
        /^CloudStack API simulator \(not a real CloudStack\) listening on http:\/\/127\.0\.0\.1:\d+\/client\/api$/,
      );
      const url = line.split(' ').pop()!;
      const answer = await fetch(`${url}?command=listZones&response=json`);
      expect(answer.status).toBe(401);
      expect(answer.headers.get('x-simulator')).toBe('cloudstack-runbook');
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('labels every answer, including errors and unknown paths, with X-Simulator', async () => {
    sim = await startSimulator();
    for (const path of [
      '/client/api?command=listZones&response=json',
      '/client/api?command=login&response=json',
      '/elsewhere',
    ]) {
      const answer = await fetch(`http://127.0.0.1:${sim.port}${path}`);
      expect(answer.headers.get('x-simulator')).toBe('cloudstack-runbook');
    }
  });

  it('ignores unknown parameters with a warning, as upstream does, and answers missing ones with the 431 shape', async () => {
    sim = await startSimulator();
    const creds = new MemoryCredentials();
    const client = new CloudStackClient({ endpoint: sim.endpoint });
    await ensureApiKeys(client, creds);
    // bypass the client's own validation: sign by hand through request()
    await client.request('createZone', {
      name: 'z',
      dns1: '8.8.8.8',
      internaldns1: '1.1.1.1',
      networktype: 'Advanced',
      colour: 'red',
    });
    expect(sim.cloud.objects.zone[0]).not.toHaveProperty('colour');
    expect(sim.warnings).toEqual([
      'Received unknown parameters for command createZone. Unknown parameters : colour',
    ]);
    await expect(
      client.request('createZone', { name: 'z', dns1: '8.8.8.8', networktype: 'Advanced' }),
    ).rejects.toThrow('due to missing parameter internaldns1');
    await expect(client.request('createZonez', {})).rejects.toMatchObject({ errorCode: 432 });
  });

  it('needs the session cookie with the session key, as CloudStack does', async () => {
    sim = await startSimulator();
    const form = new URLSearchParams({
      command: 'login',
      username: 'admin',
      password: 'password',
      domain: '/',
      response: 'json',
    });
    const login = await fetch(`${sim.endpoint}`, { method: 'POST', body: form });
    const key = ((await login.json()) as { loginresponse: { sessionkey: string } }).loginresponse
      .sessionkey;
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    expect(cookie).toMatch(/JSESSIONID=/);
    const q = `command=listZones&response=json&sessionkey=${encodeURIComponent(key)}`;
    expect((await fetch(`${sim.endpoint}?${q}`)).status).toBe(401);
    expect((await fetch(`${sim.endpoint}?${q}`, { headers: { cookie } })).status).toBe(200);
    expect(
      (
        await fetch(`${sim.endpoint}?command=listZones&response=json&sessionkey=wrong`, {
          headers: { cookie },
        })
      ).status,
    ).toBe(401);
    const get = await fetch(`${sim.endpoint}?${form}`);
    expect(get.status).toBe(405);
  });

  it('starts system VMs only once the zone is enabled with storage, then brings their agents Up', async () => {
    sim = await startSimulator({
      delays: { jobMs: 10, hostUpMs: 50, systemVmStartMs: 100, agentUpMs: 100 },
    });
    const plan = fixturePlan([{ address: '172.16.10.3', hostname: 'kvm1' }]);
    const creds = new MemoryCredentials();
    const run = await runApiSteps(plan, sim.endpoint, creds, {}, (s) => s.id !== 'zone-enable');
    expect(
      run.results.every((r) => r.result.status === 'changed' || r.result.status === 'ok'),
    ).toBe(true);
    const client = new CloudStackClient({ endpoint: sim.endpoint, keys: creds.keys });
    // zone still disabled: hosts come Up, but no system VMs
    await eventually(
      () => client.call('listHosts', { type: 'Routing' }),
      (h) => (h as { state: string }[])[0]?.state === 'Up',
    );
    expect(await client.call('listSystemVms')).toEqual([]);
    const before = await verifyCloud(client);
    expect(before.ok).toBe(false);
    expect(before.checks.filter((c) => !c.ok).map((c) => c.check)).toEqual([
      'zone enabled',
      'secondary storage VM Running',
      'console proxy VM Running',
    ]);

    await runApiSteps(plan, sim.endpoint, creds, run.captured, (s) => s.id === 'zone-enable');
    const vms = (await eventually(
      () => client.call('listSystemVms'),
      (v) => (v as unknown[]).length === 2,
    )) as { systemvmtype: string; state: string }[];
    expect(vms.map((v) => v.systemvmtype).sort()).toEqual(['consoleproxy', 'secondarystoragevm']);
    const after = await eventually(
      () => verifyCloud(client),
      (r) => r.ok,
    );
    expect(after.ok).toBe(true);
  });
});
