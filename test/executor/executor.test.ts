import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Executor, type ExecutorOptions } from '../../src/executor/executor.ts';
import type { ExecutorEvent } from '../../src/executor/events.ts';
import { readJournal } from '../../src/state/journal.ts';
import { makeClientKey, startHosts, type ClientKey, type FakeHost } from '../helpers/sshd.ts';
import { file, machinesFor, makePlan, sh, step } from './plan-fixture.ts';

let key: ClientKey;
let hosts: FakeHost[];
let root: string;

beforeAll(async () => {
  key = makeClientKey();
  hosts = await startHosts(['mgmt', 'kvm1', 'kvm2'], key, 30);
  root = mkdtempSync(join(tmpdir(), 'rb-roots-'));
});
afterAll(() => {
  for (const h of hosts ?? []) h.cleanup();
  rmSync(root, { recursive: true, force: true });
  rmSync(key.dir, { recursive: true, force: true });
});

async function run(
  options: Omit<ExecutorOptions, 'confirmHostKey'> & {
    confirmHostKey?: ExecutorOptions['confirmHostKey'];
  },
) {
  const events: ExecutorEvent[] = [];
  const executor = new Executor({
    confirmHostKey: async () => true,
    policy: { retryDelayMs: 50, transientDelayMs: 50, transientAttempts: 5 },
    ...options,
    onEvent: (e) => events.push(e),
  });
  const summary = await executor.run();
  const ends = events.filter((e) => e.type === 'step-end');
  return { summary, events, ends };
}

describe('executor over real sshd hosts', () => {
  it('runs steps with the host environment, writes files atomically, and resumes without changes', async () => {
    const names = hosts.map((h) => h.name);
    const plan = makePlan(
      machinesFor(hosts, key),
      [
        step('prepare', names, [
          sh(
            'mkdir -p "$TEST_ROOT/$HOST_NAME"; echo "$HOST_IP $HOST_ROLE $ZONE" > "$TEST_ROOT/$HOST_NAME/env"',
          ),
        ]),
        step('config', names, [
          file(
            '${TEST_ROOT}/${HOST_NAME}/app.conf',
            'ip=${HOST_IP}\npassword=${DB_PASSWORD}\nkeep=${lower}\n',
            '0640',
          ),
        ]),
      ],
      { TEST_ROOT: root, ZONE: 'Zone1' },
      ['DB_PASSWORD'],
    );
    const first = await run({ plan });
    expect(first.summary.result).toBe('completed');
    expect(first.summary.changed).toBe(6);
    expect(readFileSync(join(root, 'kvm1', 'env'), 'utf8')).toBe('172.16.10.3 kvm Zone1\n');
    const conf = join(root, 'kvm2', 'app.conf');
    const state = JSON.parse(
      readFileSync(join(plan.siteFile, '..', '.runbook', 'state.json'), 'utf8'),
    );
    expect(state.secrets.DB_PASSWORD).toMatch(/^[A-Za-z0-9]{24,}$/);
    expect(readFileSync(conf, 'utf8')).toBe(
      `ip=172.16.10.4\npassword=${state.secrets.DB_PASSWORD}\nkeep=\${lower}\n`,
    );
    expect(statSync(conf).mode & 0o777).toBe(0o640);

    const second = await run({ plan });
    expect(second.summary.changed).toBe(0);
    expect(second.summary.skipped).toBe(6);
    expect(
      second.ends.every((e) => e.type === 'step-end' && e.reason === 'done in an earlier run'),
    ).toBe(true);

    // --only forces the named step: the file is rewritten only if it differs.
    const only = await run({ plan, only: 'config' });
    expect(only.ends.map((e) => e.type === 'step-end' && e.status)).toEqual(['ok', 'ok', 'ok']);
  });

  it('stops the failing host, lets the others finish, reports the failure, then resumes after a fix', async () => {
    const names = hosts.map((h) => h.name);
    const marker = join(root, 'fixed');
    const steps = [
      step('one', names, [sh('echo one-$HOST_NAME')]),
      step('two', names, [
        sh(
          `echo "line for $HOST_NAME"; if [ "$HOST_NAME" = kvm1 ] && [ ! -e ${marker} ]; then echo broken >&2; exit 3; fi`,
        ),
      ]),
      step('three', names, [sh('echo three')]),
    ];
    const plan = makePlan(machinesFor(hosts, key), steps);
    const first = await run({ plan });
    expect(first.summary.result).toBe('failed');
    const failure = first.summary.failures[0]!;
    expect(failure).toMatchObject({
      host: 'kvm1',
      id: 'two',
      exitCode: 3,
      url: 'https://cloudstack-runbook.github.io/test/#two',
    });
    expect(failure.lastLines).toEqual(['line for kvm1', 'broken']);
    expect(failure.command).toContain('exit 3');
    expect(readFileSync(failure.log, 'utf8')).toContain('broken');
    expect(
      first.ends.some((e) => e.type === 'step-end' && e.id === 'three' && e.host === 'kvm1'),
    ).toBe(false);

    writeFileSync(marker, '');
    const second = await run({ plan });
    expect(second.summary.result).toBe('completed');
    const kvm1 = second.ends
      .filter((e) => e.type === 'step-end' && e.host === 'kvm1')
      .map((e) => e.type === 'step-end' && `${e.id}:${e.status}`);
    expect(kvm1).toEqual(['one:skipped', 'two:changed', 'three:changed']);
    const journal = readJournal(join(plan.siteFile, '..', '.runbook', 'journal.jsonl'));
    expect(
      journal.filter((e) => e.t === 'run-end').map((e) => e.t === 'run-end' && e.result),
    ).toEqual(['failed', 'completed']);
  });
});
