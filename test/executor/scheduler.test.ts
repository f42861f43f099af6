// The executor's rules, run on the local transport (the same bootstrap as SSH, no sshd needed):
// api steps and their ordering, requires across hosts, retries, the apt lock, timeouts,
// check and verify, resume by content hash, the parallel bound, --from and --dry-run.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/diagnostics.ts';
import type { ApiRunner } from '../../src/executor/api-runner.ts';
import { Executor, type ExecutorOptions } from '../../src/executor/executor.ts';
import type { ExecutorEvent } from '../../src/executor/events.ts';
import type { Machine, Plan } from '../../src/plan/model.ts';
import { makePlan, sh, step } from './plan-fixture.ts';

const root = mkdtempSync(join(tmpdir(), 'rb-sched-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const machines: Machine[] = ['m1', 'k1', 'k2'].map((name, i) => ({
  name,
  address: `10.0.0.${i + 1}`,
  role: i === 0 ? 'management' : 'kvm',
  ssh: { host: 'local', port: 22, user: 'root' },
}));
const ALL = machines.map((m) => m.name);

async function run(plan: Plan, options: Partial<ExecutorOptions> = {}) {
  const events: ExecutorEvent[] = [];
  const summary = await new Executor({
    plan,
    confirmHostKey: async () => false,
    policy: { retryDelayMs: 20, transientDelayMs: 20, transientAttempts: 3 },
    ...options,
    onEvent: (e) => events.push(e),
  }).run();
  const end = (id: string, host: string) =>
    events.find(
      (e): e is Extract<ExecutorEvent, { type: 'step-end' }> =>
        e.type === 'step-end' && e.id === id && e.host === host,
    );
  return { summary, events, end };
}

function dir(name: string): string {
  const d = join(root, name);
  return d;
}

describe('api steps', () => {
  it('wait for every earlier host step, capture values for later steps, and block without a client', async () => {
    const d = dir('api');
    const seen: string[][] = [];
    const runner: ApiRunner = {
      async runApiStep(s, ctx) {
        seen.push(ALL.filter((h) => existsSync(join(d, h))));
        ctx.log(`calling with ${ctx.variables.ADMIN_PASSWORD}`);
        return { status: 'changed', changed: true, captured: { ZONE_ID: `zone-of-${s.id}` } };
      },
    };
    const plan = makePlan(
      machines,
      [
        step('slow', ALL, [
          sh(`mkdir -p ${d}; if [ "$HOST_NAME" = k2 ]; then sleep 0.5; fi; touch ${d}/$HOST_NAME`),
        ]),
        step(
          'zone',
          ['api'],
          [
            {
              kind: 'api',
              command: 'createZone',
              params: {},
              text: 'create zone',
              source: { file: 'x', line: 1 },
            },
          ],
          { on: 'api' },
        ),
        step('use', ['m1'], [sh(`echo "$ZONE_ID" > ${d}/zone-id`)], { requires: ['zone'] }),
      ],
      {},
      ['ADMIN_PASSWORD'],
    );
    const withClient = await run(plan, { apiRunner: runner });
    expect(seen).toEqual([ALL]);
    expect(withClient.end('zone', 'api')).toMatchObject({ status: 'changed' });
    expect(readFileSync(join(d, 'zone-id'), 'utf8')).toBe('zone-of-zone\n');
    const state = JSON.parse(
      readFileSync(join(plan.siteFile, '..', '.runbook', 'state.json'), 'utf8'),
    );
    expect(state.captured).toEqual({ ZONE_ID: 'zone-of-zone' });
    const apiLog = readFileSync(
      join(plan.siteFile, '..', '.runbook', 'logs', 'api', 'zone.log'),
      'utf8',
    );
    expect(apiLog).toContain('calling with <secret>');
    expect(apiLog).not.toContain(state.secrets.ADMIN_PASSWORD);

    const fresh = makePlan(machines, plan.steps);
    const without = await run(fresh);
    expect(without.end('zone', 'api')).toMatchObject({
      status: 'blocked',
      reason: 'no CloudStack API client configured',
    });
    expect(without.end('use', 'm1')).toMatchObject({
      status: 'blocked',
      reason: 'requires zone on api, which ended blocked',
    });
    expect(without.summary).toMatchObject({ result: 'completed', blocked: 2, failed: 0 });
  });
});

describe('ordering and retries', () => {
  it('makes a step wait for a required step on every host it runs on', async () => {
    const d = dir('requires');
    const plan = makePlan(machines, [
      step('make', ['k1', 'k2'], [sh(`mkdir -p ${d}; sleep 0.3; touch ${d}/made-$HOST_NAME`)]),
      step('use', ['m1'], [sh(`test -e ${d}/made-k1 && test -e ${d}/made-k2`)], {
        requires: ['make'],
      }),
    ]);
    const r = await run(plan);
    expect(r.end('use', 'm1')).toMatchObject({ status: 'changed' });
  });

  it('refuses requires that point at a later step', async () => {
    const plan = makePlan(machines, [
      step('a', ['m1'], [sh('true')], { requires: ['b'] }),
      step('b', ['m1'], [sh('true')]),
    ]);
    await expect(run(plan)).rejects.toThrow(InputError);
    await expect(run(plan)).rejects.toThrow('requires "b", which comes later in the runbook');
  });

  it('retries with backoff, and retries a held apt lock even without retries', async () => {
    const d = dir('retries');
    const flaky = (name: string, fails: number, message: string) =>
      sh(
        `mkdir -p ${d}; n=$(cat ${d}/${name} 2>/dev/null || echo 0); echo $((n+1)) > ${d}/${name}; if [ $n -lt ${fails} ]; then echo "${message}" >&2; exit 100; fi`,
      );
    const plan = makePlan(machines, [
      step('flaky', ['m1'], [flaky('flaky', 2, 'temporary trouble')], { retries: 2 }),
      step(
        'apt',
        ['m1'],
        [
          flaky(
            'apt',
            1,
            'E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 4242 (apt-get)',
          ),
        ],
      ),
      step('hopeless', ['m1'], [flaky('hopeless', 9, 'still broken')], { retries: 1 }),
    ]);
    const r = await run(plan);
    expect(r.end('flaky', 'm1')).toMatchObject({ status: 'changed' });
    const retries = r.events.filter((e) => e.type === 'step-retry' && e.id === 'flaky');
    expect(retries.map((e) => e.type === 'step-retry' && e.delayMs)).toEqual([20, 40]);
    expect(r.end('apt', 'm1')).toMatchObject({ status: 'changed' });
    expect(r.events.find((e) => e.type === 'step-retry' && e.id === 'apt')).toMatchObject({
      reason: 'the apt/dpkg lock is held by another process',
    });
    expect(r.end('hopeless', 'm1')).toMatchObject({
      status: 'failed',
      reason: 'the script exited with status 100',
    });
    expect(readFileSync(join(d, 'hopeless'), 'utf8')).toBe('2\n');
  });

  it('stops a program at its timeout, skips on check, fails on verify', async () => {
    const plan = makePlan(machines, [
      step('done-already', ['m1'], [sh('exit 9')], { check: 'test "$HOST_ROLE" = management' }),
      step('unverified', ['k1'], [sh('true')], { verify: 'test -e /nonexistent/verify-me' }),
      step('slow', ['k2'], [sh('echo before; sleep 20')], { timeout: 1 }),
    ]);
    const r = await run(plan);
    expect(r.end('done-already', 'm1')).toMatchObject({
      status: 'skipped',
      reason: 'check passed: already done',
    });
    expect(r.end('unverified', 'k1')).toMatchObject({
      status: 'failed',
      reason: 'verify exited with status 1',
    });
    expect(r.end('unverified', 'k1')!.failure).toMatchObject({
      command: 'test -e /nonexistent/verify-me',
      exitCode: 1,
    });
    expect(r.end('slow', 'k2')).toMatchObject({
      status: 'failed',
      reason: 'the script timed out after 1 s',
    });
    expect(r.end('slow', 'k2')!.failure!.lastLines).toEqual(['before']);
  });
});

describe('resume, selection and limits', () => {
  it('runs a journaled step again only where its resolved content changed', async () => {
    const d = dir('hash');
    const steps = [
      step('conf', ALL, [sh(`mkdir -p ${d}; echo "$GREETING $HOST_NAME" > ${d}/$HOST_NAME`)]),
      step('other', ALL, [sh('true')]),
    ];
    const plan = makePlan(machines, steps, { GREETING: 'hello' });
    await run(plan);
    const again = await run({ ...plan, variables: { GREETING: 'hi' } });
    for (const h of ALL) {
      expect(again.end('conf', h)).toMatchObject({ status: 'changed' });
      expect(again.end('other', h)).toMatchObject({
        status: 'skipped',
        reason: 'done in an earlier run',
      });
    }
    expect(readFileSync(join(d, 'k2'), 'utf8')).toBe('hi k2\n');
  });

  it('keeps at most --parallel hosts working at once', async () => {
    const plan = makePlan(machines, [
      step('a', ALL, [sh('sleep 0.2')]),
      step('b', ALL, [sh('sleep 0.1')]),
    ]);
    let running = 0;
    let most = 0;
    await new Executor({
      plan,
      parallel: 2,
      confirmHostKey: async () => false,
      onEvent: (e) => {
        if (e.type === 'step-start') most = Math.max(most, ++running);
        if (e.type === 'step-end') running--;
      },
    }).run();
    expect(most).toBe(2);
  });

  it('starts at --from, and --dry-run says what would run without running it', async () => {
    const d = dir('from');
    const plan = makePlan(machines, [
      step('first', ['m1'], [sh(`mkdir -p ${d}; touch ${d}/first`)]),
      step('second', ['m1'], [sh(`mkdir -p ${d}; touch ${d}/second`)]),
    ]);
    const dry = await run(plan, { dryRun: true });
    expect(
      dry.events
        .filter((e) => e.type === 'dry-run')
        .map((e) => e.type === 'dry-run' && `${e.id}:${e.action}`),
    ).toEqual(['first:run', 'second:run']);
    expect(existsSync(d)).toBe(false);
    const from = await run(plan, { from: 'second' });
    expect(from.end('first', 'm1')).toBeUndefined();
    expect(from.end('second', 'm1')).toMatchObject({ status: 'changed' });
    expect(existsSync(join(d, 'first'))).toBe(false);
    await expect(run(plan, { only: 'nope' })).rejects.toThrow('no step has the id "nope"');
  });

  it('hands every odd value to scripts unchanged through the environment', async () => {
    const d = dir('env');
    const odd = `it's "quoted" $(touch ${d}/pwned) \`x\` \\ back\nsecond line`;
    const plan = makePlan(
      machines,
      [step('env', ['m1'], [sh(`mkdir -p ${d}; printf '%s' "$ODD" > ${d}/odd`)])],
      { ODD: odd },
    );
    await run(plan);
    expect(readFileSync(join(d, 'odd'), 'utf8')).toBe(odd);
    expect(existsSync(join(d, 'pwned'))).toBe(false);
    writeFileSync(join(d, 'done'), '');
  });
});
