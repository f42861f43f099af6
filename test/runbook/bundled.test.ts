// The shipped runbook's shell, checked without a machine: every script parses, and every EXIT
// trap succeeds when what it cleans up is already gone (under `bash -e` a failing trap fails
// the step after its work is done — found building the appliance, storage and KVM chapters).
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { loadRunbook } from '../../src/runbook/load.ts';
import { allSteps } from '../../src/runbook/model.ts';
import { validateRunbook } from '../../src/runbook/validate.ts';
import { knownVariableNames } from '../../src/site-file/variables.ts';
import { parseSiteText } from '../../src/site-file/load.ts';
import { buildPlan } from '../../src/plan/build.ts';
import { planJson } from '../../src/plan/render.ts';

const { runbook, problems } = loadRunbook();
const steps = allSteps(runbook);
const scripts = steps.flatMap((s) => [
  ...s.actions.flatMap((a) => (a.kind === 'sh' ? [{ id: s.id, text: a.script }] : [])),
  ...(s.check ? [{ id: `${s.id} (check)`, text: s.check }] : []),
  ...(s.verify ? [{ id: `${s.id} (verify)`, text: s.verify }] : []),
]);

describe('the bundled runbook', () => {
  it('parses without problems and has steps', () => {
    expect(problems).toEqual([]);
    expect(steps.length).toBeGreaterThan(40);
  });

  it('passes validation: ids, requires, variables, and every cmk line against the API reference', () => {
    expect(validateRunbook(runbook, knownVariableNames())).toEqual([]);
    const calls = steps.flatMap((s) => s.actions.filter((a) => a.kind === 'api'));
    expect(calls.length).toBeGreaterThan(15);
  });

  it.each([
    ['all-in-one', 'name: aio\n', ['cloudstack-mgmt'], ['cloudstack-mgmt']],
    ['three KVM hosts', 'name: three\nhosts:\n  - { address: 172.16.10.3, hostname: kvm1 }\n  - { address: 172.16.10.4, hostname: kvm2 }\n  - { address: 172.16.10.5, hostname: kvm3 }\n', ['cloudstack-mgmt'], ['kvm1', 'kvm2', 'kvm3']],
  ])('plans every chapter for %s', (_name, text, management, kvm) => {
    const { site } = parseSiteText(text, '/srv/site.yaml');
    const json = planJson(buildPlan(site, runbook, '/srv/site.yaml'));
    const withSteps = runbook.chapters.filter((c) => c.steps.length > 0).map((c) => c.title);
    expect(new Set(json.steps.map((s) => s.chapter))).toEqual(new Set(withSteps));
    expect(json.steps).toHaveLength(steps.length);
    for (const step of json.steps) {
      const expected = { management, kvm, all: [...new Set([...management, ...kvm])], api: ['api'] }[step.on];
      expect(step.hosts, step.id).toEqual(expected);
    }
    // One addHost call per KVM host.
    const addHosts = json.steps.flatMap((s) => s.actions).filter((a) => a.kind === 'api' && a.command === 'addHost');
    expect(addHosts).toHaveLength(kvm.length);
  });

  it('has only scripts bash can parse', () => {
    const bad = scripts.filter((s) => spawnSync('bash', ['-n'], { input: s.text }).status !== 0).map((s) => s.id);
    expect(bad).toEqual([]);
  });

  const traps = scripts.flatMap((s) => [...s.text.matchAll(/^\s*trap '([^']*)' EXIT\s*$/gm)].map((m) => ({ id: s.id, trap: m[1]! })));

  it.each(traps)('$id: the EXIT trap succeeds when there is nothing left to undo', ({ trap }) => {
    // Each script-local variable the trap names points at a fresh, empty temp dir (or file).
    const names = [...new Set([...trap.matchAll(/\$\{?([a-z_][a-z0-9_]*)/g)].map((m) => m[1]!))];
    const setup = names.map((n) => `${n}=$(mktemp ${new RegExp(`rmdir[^;]*\\$\\{?${n}\\b`).test(trap) ? '-d' : ''})`).join('; ');
    const out = spawnSync('bash', ['-euo', 'pipefail', '-c', `${setup}; trap '${trap}' EXIT; true`], { encoding: 'utf8' });
    expect(out.status, out.stderr).toBe(0);
  });

  it('found the traps it checks', () => {
    expect(traps.length).toBeGreaterThan(0);
    expect(execFileSync('bash', ['--version'], { encoding: 'utf8' })).toMatch(/GNU bash/);
  });
});
