// Deciding a task against the journal (src/plan/changes.ts): when a step that ran before runs
// again, whether its check is asked first, and what `runbook plan` says about it.
import { describe, expect, it } from 'vitest';
import { decideTask, describeReason, type DecideInput } from '../../src/plan/changes.ts';
import { stepFingerprint } from '../../src/plan/fingerprint.ts';
import type { PlannedStep } from '../../src/plan/model.ts';
import type { JournalEntry } from '../../src/state/journal.ts';

type StepEnd = Extract<JournalEntry, { t: 'step-end' }>;

const SECRETS = new Set(['CLOUD_DB_PASSWORD']);

function step(overrides: Partial<PlannedStep> = {}): PlannedStep {
  return {
    id: 'hosts-file',
    title: 'T',
    on: 'all',
    hosts: ['kvm1'],
    chapter: 'c',
    source: { file: 'a.mdx', line: 1 },
    url: '/a/',
    check: 'test "$(hostname)" = "${HOST_NAME}"',
    capture: {},
    timeout: 60,
    retries: 0,
    requires: [],
    needs: [],
    actions: [
      {
        kind: 'sh',
        script: 'printf "%s\\n" "${CLOUD_MACHINES}" > /etc/hosts # ${CLOUD_DB_PASSWORD}',
        source: { file: 'a.mdx', line: 3 },
      },
    ],
    ...overrides,
  };
}

const ENV = {
  HOST_NAME: 'kvm1',
  CLOUD_MACHINES: '172.16.10.3 kvm1.x kvm1',
  CLOUD_DB_PASSWORD: 'sekret',
};

/** The journal's end of `s` as it ran with `env`. */
function ranWith(s: PlannedStep, env: Record<string, string>, status = 'ok'): StepEnd {
  const { hash, inputs } = stepFingerprint(s, env, SECRETS);
  return {
    t: 'step-end',
    run: 'r1',
    at: '2025-01-01T00:00:00.000Z',
    id: s.id,
    host: 'kvm1',
    hash,
    status: status as StepEnd['status'],
    ms: 1,
    inputs,
  };
}

const decide = (s: PlannedStep, env: Record<string, string>, more: Partial<DecideInput> = {}) =>
  decideTask({ step: s, host: 'kvm1', env, secretNames: SECRETS, ...more });

describe('deciding a task against the journal', () => {
  it('keeps the hash of journals written before step parts existed', () => {
    // Computed with the code of f99d6ea (before this change) for the same step and values.
    expect(stepFingerprint(step(), ENV, SECRETS).hash).toBe('6ef5b954ee4cea0d548bc7309db1c6e8');
  });

  it('skips a done step whose content and values are unchanged; a secret never counts', () => {
    const last = ranWith(step(), ENV);
    expect(decide(step(), { ...ENV, CLOUD_DB_PASSWORD: 'other' }, { last })).toMatchObject({
      run: false,
      reason: { kind: 'done' },
    });
    expect(last.inputs?.vars).not.toHaveProperty('CLOUD_DB_PASSWORD');
  });

  it('re-runs without the check when a value its check does not look at changed', () => {
    const last = ranWith(step(), ENV);
    const grown = { ...ENV, CLOUD_MACHINES: `${ENV.CLOUD_MACHINES}\n172.16.10.4 kvm2.x kvm2` };
    const d = decide(step(), grown, { last });
    expect(d).toMatchObject({ run: true, askCheck: false });
    expect(describeReason(d.reason, step())).toBe(
      'CLOUD_MACHINES changed, which its check does not look at',
    );
  });

  it('leaves it to the check when the check looks at the changed value, or only the text changed', () => {
    const last = ranWith(step(), ENV);
    expect(decide(step(), { ...ENV, HOST_NAME: 'kvm9' }, { last })).toMatchObject({
      run: true,
      askCheck: true,
    });
    const edited = step({
      actions: [
        {
          kind: 'sh',
          script: 'echo edited by a newer runbook',
          source: { file: 'a.mdx', line: 3 },
        },
      ],
    });
    const d = decide(edited, ENV, { last });
    expect(d).toMatchObject({ run: true, askCheck: true });
    expect(describeReason(d.reason, edited)).toContain('1 action(s) new or changed');
  });

  it('runs again what failed or was blocked, and what an older journal cannot explain', () => {
    expect(decide(step(), ENV, { last: ranWith(step(), ENV, 'blocked') })).toMatchObject({
      run: true,
      reason: { kind: 'again', status: 'blocked' },
    });
    const { inputs: _inputs, ...old } = ranWith(step(), ENV);
    const d = decide(step(), { ...ENV, CLOUD_MACHINES: 'x' }, { last: old });
    expect(d).toMatchObject({ run: true, askCheck: true });
    expect(describeReason(d.reason)).toBe('changed since it last ran');
    expect(decide(step(), ENV, { newHost: true }).reason.kind).toBe('new-host');
  });

  it('re-runs a step a dry recheck found drifted, until a later recheck finds it done', () => {
    const last = ranWith(step(), ENV);
    const check = (result: 'drifted' | 'still-done', at: string) => ({
      t: 'step-check' as const,
      run: 'r2',
      at,
      id: 'hosts-file',
      host: 'kvm1',
      hash: last.hash,
      result,
      ms: 1,
    });
    expect(
      decide(step(), ENV, { last, lastCheck: check('drifted', '2025-01-02T00:00:00.000Z') }),
    ).toMatchObject({ run: true, askCheck: false, reason: { kind: 'drifted' } });
    expect(
      decide(step(), ENV, { last, lastCheck: check('still-done', '2025-01-03T00:00:00.000Z') }),
    ).toMatchObject({ run: false });
  });

  it('names an added api call without ids or values that hold variables', () => {
    const api = (urls: string[]): PlannedStep =>
      step({
        id: 'hosts-add',
        on: 'api',
        check: undefined,
        actions: urls.map((url) => ({
          kind: 'api' as const,
          command: 'addHost',
          params: { zoneid: '${ZONE_ID}', url, username: 'root', password: '${ADMIN_PASSWORD}' },
          text: 'add host',
          source: { file: 'z.mdx', line: 1 },
        })),
      });
    const env = { ZONE_ID: 'z-1' };
    const last = ranWith(api(['http://172.16.10.3']), env);
    const grown = api(['http://172.16.10.3', 'http://172.16.10.4']);
    expect(describeReason(decide(grown, env, { last }).reason, grown)).toBe(
      '1 call(s) added: addHost url=http://172.16.10.4 username=root',
    );
    const shrunk = api([]);
    expect(describeReason(decide(shrunk, env, { last }).reason, shrunk)).toBe(
      '1 call(s) fewer (nothing is removed from CloudStack)',
    );
  });
});
