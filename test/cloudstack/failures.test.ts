// Failures as an operator meets them: bad lines stopped before anything is sent, CloudStack
// errors ending the step with upstream's text and the docs link, transient trouble retried
// with backoff and nothing else retried, the first contact waiting for a starting API.
import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../simulator/server.ts';
import { runApiStep } from '../../src/cloudstack/api-step.ts';
import { CloudStackClient } from '../../src/cloudstack/client.ts';
import { ensureApiKeys } from '../../src/cloudstack/first-contact.ts';
import type { PlannedStep } from '../../src/plan/model.ts';
import {
  ADMIN_PASSWORD,
  FAST,
  MemoryCredentials,
  fixturePlan,
  runApiSteps,
  stepById,
} from './harness.ts';

const plan = fixturePlan();

function run(
  sim: Simulator,
  step: PlannedStep,
  creds: MemoryCredentials,
  captured: Record<string, string> = {},
  log: string[] = [],
) {
  return runApiStep(step, {
    endpoint: sim.endpoint,
    credentials: creds,
    variables: { ...plan.variables, ...creds.secrets, ...captured },
    log: (l) => log.push(l),
    timing: FAST,
    docsBaseUrl: 'https://runbook.example',
  });
}

/** A step with one cmk call, as the plan would carry it. */
function oneCall(
  command: string,
  params: Record<string, string>,
  extra: Partial<PlannedStep> = {},
): PlannedStep {
  return {
    ...stepById(plan, 'zone-create'),
    id: 'test-step',
    url: '/zone/#test-step',
    capture: {},
    actions: [
      {
        kind: 'api',
        command,
        params,
        text: `${command} ...`,
        source: { file: 'zone.mdx', line: 1 },
      },
    ],
    ...extra,
  };
}

describe('api step failures', () => {
  let sim: Simulator;
  let creds: MemoryCredentials;
  let captured: Record<string, string>;

  beforeEach(async () => {
    sim = await startSimulator({ delays: { jobMs: 20, hostUpMs: 50 } });
    creds = new MemoryCredentials();
    // log in, create the zone and the physical network
    const first = await runApiSteps(plan, sim.endpoint, creds, {}, (s) =>
      ['api-login', 'zone-create', 'zone-physical-network'].includes(s.id),
    );
    captured = first.captured;
    expect(captured.PHYSICAL_NETWORK_ID).toBeTruthy();
  });
  afterEach(async () => sim?.close());

  const sentSince = (n: number) => sim.requests.slice(n).map((r) => r.api);

  it('stops an unknown parameter before anything is sent', async () => {
    const before = sim.requests.length;
    const result = await run(
      sim,
      oneCall('createPod', { zoneid: captured.ZONE_ID!, name: 'p', colour: 'blue' }),
      creds,
      captured,
    );
    expect(result.status).toBe('failed');
    expect(result.message).toContain('createPod has no parameter "colour"');
    expect(result.message).toContain('docs: https://runbook.example/zone/#test-step');
    expect(sentSince(before)).toEqual([]);
  });

  it('stops a missing required parameter before anything is sent', async () => {
    const before = sim.requests.length;
    const result = await run(sim, oneCall('createPod', { name: 'p' }), creds, captured);
    expect(result.status).toBe('failed');
    expect(result.message).toContain('createPod needs "zoneid"');
    expect(sentSince(before)).toEqual([]);
  });

  it('blocks a step whose captured variable no earlier step provided', async () => {
    const before = sim.requests.length;
    const result = await run(sim, stepById(plan, 'zone-pod'), creds, {});
    expect(result.status).toBe('blocked');
    expect(result.message).toContain(
      '${ZONE_ID} has no value: it is captured by an earlier api step',
    );
    expect(sentSince(before)).toEqual([]);
  });

  it('ends a failed async job `failed` with the upstream text and the docs link, without retrying', async () => {
    sim.faults.failJobs.addTrafficType =
      'Failed to implement traffic type: bridge cloudbr0 not found on host';
    const before = sim.requests.length;
    const result = await run(sim, stepById(plan, 'zone-traffic-types'), creds, captured);
    expect(result.status).toBe('failed');
    expect(result.message).toContain(
      'addTrafficType failed: CloudStack error 530 (internal error): Failed to implement traffic type: bridge cloudbr0 not found on host',
    );
    expect(result.message).toContain('docs: https://runbook.example/zone/#zone-traffic-types');
    expect(sentSince(before).filter((a) => a === 'addTrafficType')).toHaveLength(1);
  });

  it('does not retry a request CloudStack called wrong (431)', async () => {
    sim.faults.errors.push({
      api: 'createPod',
      code: 431,
      text: 'Unable to execute API command createpod due to invalid value. Invalid parameter gateway value=300.1.1.1',
    });
    const before = sim.requests.length;
    const result = await run(sim, stepById(plan, 'zone-pod'), creds, captured);
    expect(result.status).toBe('failed');
    expect(result.message).toContain(
      'createPod failed: CloudStack error 431 (parameter error), parameter "gateway"',
    );
    expect(sentSince(before).filter((a) => a === 'createPod')).toHaveLength(1);
  });

  it('does not retry a 530 that is not transient', async () => {
    sim.faults.errors.push({
      api: 'createPod',
      code: 530,
      text: 'Pod IP range overlaps with the public range',
    });
    const before = sim.requests.length;
    const result = await run(sim, stepById(plan, 'zone-pod'), creds, captured);
    expect(result.status).toBe('failed');
    expect(result.message).toContain('Pod IP range overlaps with the public range');
    expect(sentSince(before).filter((a) => a === 'createPod')).toHaveLength(1);
  });

  it('sends a create again after a transient 530 only once a lookup found nothing', async () => {
    sim.faults.errors.push({
      api: 'createPod',
      code: 530,
      text: 'Lock wait timeout exceeded; try restarting transaction',
      times: 2,
    });
    const before = sim.requests.length;
    const log: string[] = [];
    const result = await run(sim, stepById(plan, 'zone-pod'), creds, captured, log);
    expect(result.status).toBe('changed');
    expect(result.captured.POD_ID).toBe(sim.cloud.objects.pod[0]!.id);
    const sent = sentSince(before).filter((a) => a === 'createPod' || a === 'listPods');
    // the lookup first, then each send after a lookup that found no pod
    expect(sent).toEqual([
      'listPods',
      'createPod',
      'listPods',
      'createPod',
      'listPods',
      'createPod',
    ]);
    expect(log.join('\n')).toMatch(
      /createPod failed: .*Lock wait timeout.*; looking for pod Pod1 first\n.*\n {2}createPod: not done in CloudStack; sending it again \(send 2 of 3\)/,
    );
  });

  it('gives up on a job that stays pending past the step timeout', async () => {
    sim.cloud.delays.jobMs = 10_000;
    const step = { ...stepById(plan, 'zone-traffic-types'), timeout: 1 };
    const result = await run(sim, step, creds, captured);
    expect(result.status).toBe('failed');
    expect(result.message).toMatch(
      /addTrafficType failed: .*still pending after 1s; look at the management server log/,
    );
  });

  it('stops waiting for a job when the run is aborted, as interrupted (not failed)', async () => {
    sim.cloud.delays.jobMs = 10_000;
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('Ctrl-C')), 200);
    const result = await runApiStep(stepById(plan, 'zone-traffic-types'), {
      endpoint: sim.endpoint,
      credentials: creds,
      variables: { ...plan.variables, ...creds.secrets, ...captured },
      log: () => {},
      signal: controller.signal,
      timing: FAST,
    });
    expect(result.status).toBe('interrupted');
    expect(result.message).toContain('step zone-traffic-types stopped: Error: Ctrl-C');
    expect(result.message).toContain('it runs again on resume');
  });

  it('answers a slow API late but correctly', async () => {
    sim.faults.slow.listPods = 300;
    const result = await run(sim, stepById(plan, 'zone-pod'), creds, captured);
    expect(result.status).toBe('changed');
  });

  it('never puts the secret key or the admin password into logs or messages', async () => {
    sim.faults.errors.push({
      api: 'createPod',
      code: 431,
      text: `bad value ${creds.keys!.secretKey} and ${ADMIN_PASSWORD}`,
    });
    const log: string[] = [];
    const result = await run(sim, stepById(plan, 'zone-pod'), creds, captured, log);
    const all = log.join('\n') + (result.message ?? '');
    expect(all).not.toContain(creds.keys!.secretKey);
    expect(all).not.toContain(ADMIN_PASSWORD);
    expect(all).toContain('<redacted>');
  });
});

describe('first contact', () => {
  let sim: Simulator | undefined;
  afterEach(async () => sim?.close());

  function freePort(): Promise<number> {
    return new Promise((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as { port: number }).port;
        s.close(() => resolve(port));
      });
    });
  }

  it('waits for an API that is not up yet (connection refused), then logs in and makes keys', async () => {
    const port = await freePort();
    const log: string[] = [];
    const creds = new MemoryCredentials();
    const client = new CloudStackClient({ endpoint: `http://127.0.0.1:${port}/client/api` });
    const starting = new Promise<void>((resolve) =>
      setTimeout(async () => {
        sim = await startSimulator({ port });
        resolve();
      }, 400),
    );
    const result = await ensureApiKeys(client, creds, {
      initialMs: 50,
      maxMs: 200,
      log: (l) => log.push(l),
    });
    await starting;
    expect(result.changed).toBe(true);
    expect(log.join('\n')).toMatch(
      /waiting for the API at 127\.0\.0\.1:\d+ \(\d+s so far: cannot reach .*ECONNREFUSED/,
    );
    expect(creds.keys!.apiKey).toBe(sim!.cloud.users[0]!.apikey);
    expect(sim!.cloud.users[0]!.password).toBe(ADMIN_PASSWORD);
  });

  it('logs in with ADMIN_PASSWORD when an earlier run already changed it', async () => {
    sim = await startSimulator();
    sim.cloud.users[0]!.password = ADMIN_PASSWORD;
    const log: string[] = [];
    const creds = new MemoryCredentials();
    await ensureApiKeys(new CloudStackClient({ endpoint: sim.endpoint }), creds, {
      log: (l) => log.push(l),
    });
    expect(log.join('\n')).toContain(
      'the admin password was set by an earlier run; logged in with ADMIN_PASSWORD',
    );
    expect(creds.keys).toBeDefined();
    expect(sim.requests.filter((r) => r.api === 'updateUser')).toEqual([]);
  });

  it('skips everything when keys are already stored', async () => {
    sim = await startSimulator();
    const creds = new MemoryCredentials();
    await ensureApiKeys(new CloudStackClient({ endpoint: sim.endpoint }), creds);
    const before = sim.requests.length;
    const again = await ensureApiKeys(new CloudStackClient({ endpoint: sim.endpoint }), creds);
    expect(again.changed).toBe(false);
    expect(sim.requests.length).toBe(before);
  });

  it('says what to do when neither password works', async () => {
    sim = await startSimulator();
    sim.cloud.users[0]!.password = 'something else';
    await expect(
      ensureApiKeys(new CloudStackClient({ endpoint: sim.endpoint }), new MemoryCredentials()),
    ).rejects.toThrow(
      /neither the default password nor ADMIN_PASSWORD from the state file is accepted/,
    );
  });
});
