// Day two on the management + 1 KVM host lab, after its install (install-layout.ts): drift on two
// machines found by `install --recheck --dry-run` and healed by `install --recheck` (timed: the
// figures the issue asks for); then `runbook lab add-host` racks a second KVM host, `runbook
// plan` says what the next install changes where, the install runs exactly that, and the API
// chapter against the same simulator that built the cloud adds exactly the new host.
import { execa } from 'execa';
import path from 'node:path';
import { expect, it } from 'vitest';
import { loadInputs } from '../../installer/load-inputs.ts';
import { isPreflightStep } from '../../src/executor/preflight.ts';
import { labAddHost } from '../../src/lab/add-host.ts';
import { machineTarget, type LabStatus } from '../../src/lab/lab.ts';
import { LAB_NETWORK, type LabLayout } from '../../src/lab/layout.ts';
import { sshRun } from '../../src/lab/ssh.ts';
import type { Simulator } from '../simulator/server.ts';
import { runApiChapterAgainstSimulator } from './api-simulated.ts';
import { checkFacts, PREPARE_MULTI_NIC, rerunStepChecks } from './machine-checks.ts';
import type { LabReport } from './report.ts';
import { runInstall, runPlan, type InstallRun } from './run-install.ts';

export interface DayTwoContext {
  name: string;
  layout: LabLayout;
  report: LabReport;
  lab: () => LabStatus;
  /** After add-host: the lab as it is now, for the layout's later tests and cleanup. */
  setLab: (lab: LabStatus) => void;
  /** The simulator the layout's API chapter ran against: the cloud to grow. */
  sim: () => Simulator;
  /** Where that API chapter keeps its copy of the site file and its journal. */
  apiDir: string;
  installTimeoutMs: number;
}

const key = (e: { id: string; host: string }) => `${e.id}@${e.host}`;
const sorted = (keys: string[]) => [...keys].sort();
/** The preflight chapter runs on every install (src/executor/preflight.ts), drift or not. */
const preflightIds = (site: string) =>
  new Set(loadInputs({ site }).plan.steps.filter(isPreflightStep).map((s) => s.id));
/** Calls that would change a CloudStack: everything but list/query/login. */
const CHANGING =
  /^(create|add|update|delete|remove|register|prepare|cancel|enable|disable|configure|dedicate|release|associate)/;
const BEGIN_HOSTS = '# BEGIN cloudstack-runbook machines';

async function onLab(ctx: DayTwoContext, machine: string, command: string): Promise<string> {
  const result = await sshRun(machineTarget(ctx.layout, ctx.lab(), machine), command);
  if (result.exitCode !== 0)
    throw new Error(`${machine}: \`${command}\` exited ${result.exitCode}: ${result.stderr}`);
  return String(result.stdout);
}

const succeeds = async (ctx: DayTwoContext, machine: string, command: string) =>
  (await sshRun(machineTarget(ctx.layout, ctx.lab(), machine), command)).exitCode === 0;

/** Registers the day-two tests inside the layout's describe; they run after its install. */
export function describeDayTwo(ctx: DayTwoContext): void {
  const { report, name, layout } = ctx;
  const site = layout.siteFile;
  const knownHosts = path.join(layout.identityDir, 'known_hosts');
  const timed = async (figure: string, args: string[]): Promise<InstallRun> => {
    const start = Date.now();
    const run = await runInstall(site, args, ctx.installTimeoutMs);
    report.figure(`${name}: ${figure} (s)`, (Date.now() - start) / 1000);
    return run;
  };
  const management = () => ctx.lab().machines.find((m) => m.role === 'management')!.name;
  const firstKvm = () => ctx.lab().machines.find((m) => m.role === 'kvm')!.name;

  it(
    'install --recheck: drift on two machines is found, then healed; the rest is still done',
    async () => {
      const mgmt = management();
      const kvm = firstKvm();
      const clean = await timed('recheck --dry-run, nothing drifted', ['--recheck', '--dry-run']);
      expect(clean.code, clean.stderr.slice(-500)).toBe(0);
      const stillDone = clean.dryRuns.filter((d) => d.recheck === 'still-done').map(key);
      report.figure(`${name}: recheck: steps still done`, stillDone.length);
      report.figure(
        `${name}: recheck: steps with nothing to recheck`,
        clean.dryRuns.filter((d) => d.recheck === 'not-checkable').length,
      );
      expect(clean.dryRuns.filter((d) => d.recheck === 'drifted').map(key)).toEqual([]);

      // Behind the installer's back: the machine list cut out of kvm1's /etc/hosts, chrony
      // stopped on the management server.
      await onLab(
        ctx,
        kvm,
        `sed -i '/^${BEGIN_HOSTS}$/,/^# END cloudstack-runbook machines$/d' /etc/hosts`,
      );
      await onLab(ctx, mgmt, 'systemctl stop chrony');
      const drift = sorted([`chrony@${mgmt}`, `hostname@${kvm}`]);

      const dry = await timed('recheck --dry-run, two drifted', ['--recheck', '--dry-run']);
      const found = sorted(dry.dryRuns.filter((d) => d.recheck === 'drifted').map(key));
      report.check(
        `${name}: the dry recheck finds exactly ${drift.join(', ')}`,
        found.join() === drift.join(),
        found.join(', '),
      );
      expect(dry.code, dry.stderr.slice(-500)).toBe(0);
      expect(found).toEqual(drift);
      expect(sorted(dry.dryRuns.filter((d) => d.recheck === 'still-done').map(key))).toEqual(
        sorted(stillDone.filter((k) => !drift.includes(k))),
      );
      // --dry-run changed nothing.
      expect(await succeeds(ctx, mgmt, 'systemctl is-active --quiet chrony')).toBe(false);

      const heal = await timed('recheck healing two drifted', ['--recheck']);
      const healed = heal.ends.filter((e) => e.recheck === 'drifted');
      const preflight = preflightIds(site);
      // The preflight checks ran again and passed (`ok`, never `changed`), or stayed blocked by the
      // repositories this lab cannot reach; nothing else ran.
      expect(
        heal.ends.filter((e) => preflight.has(e.id) && !['ok', 'blocked'].includes(e.status)).map(key),
      ).toEqual([]);
      const worked = heal.ends.filter(
        (e) => (e.status === 'changed' || e.status === 'ok') && !preflight.has(e.id),
      );
      const failed = heal.ends.filter((e) => e.status === 'failed');
      report.check(
        `${name}: the recheck re-runs exactly the drifted steps`,
        sorted(worked.map(key)).join() === drift.join() && failed.length === 0,
        worked.map((e) => `${key(e)}=${e.status}`).join(', '),
      );
      expect(failed.map((e) => `${key(e)}: ${e.failure?.message}`)).toEqual([]);
      expect(heal.code, heal.stderr.slice(-500)).toBe(0);
      expect(sorted(healed.map(key))).toEqual(drift);
      expect(sorted(worked.map(key))).toEqual(drift);
      expect(heal.summary?.recheck).toMatchObject({ drifted: 2, stillDone: stillDone.length - 2 });
      expect(await succeeds(ctx, mgmt, 'systemctl is-active --quiet chrony')).toBe(true);
      expect(await onLab(ctx, kvm, 'cat /etc/hosts')).toContain(BEGIN_HOSTS);

      // `runbook status` now says when each machine was last checked.
      const status = JSON.parse(
        (
          await execa(process.execPath, [
            'installer/bin/runbook.js',
            'status',
            '--site',
            site,
            '--json',
          ])
        ).stdout,
      ) as { machines: { name: string; lastChecked?: { at: string } }[] };
      expect(status.machines.filter((m) => !m.lastChecked).map((m) => m.name)).toEqual([]);
    },
    ctx.installTimeoutMs,
  );

  it(
    'lab add-host: the plan says what changes where and the install runs exactly that',
    async () => {
      const before = ctx.lab().machines.map((m) => m.name);
      const t = Date.now();
      const grownLab = await labAddHost({ dir: layout.dir, memory: 4096 });
      ctx.setLab(grownLab);
      report.figure(`${name}: lab add-host (s)`, (Date.now() - t) / 1000);
      const added = grownLab.machines.find((m) => !before.includes(m.name));
      expect(grownLab.up).toBe(true);
      expect(added).toMatchObject({ name: 'kvm2', address: '172.16.10.4', role: 'kvm' });
      const plan = loadInputs({ site }).plan;
      expect(plan.machines.map((m) => m.name)).toEqual([...before, 'kvm2']);
      // The new host gets the multi-card interfaces file kvm1 got (install-layout.ts), so the
      // bridge fact checks the same thing on both.
      await onLab(ctx, 'kvm2', PREPARE_MULTI_NIC);

      const planned = await runPlan(site);
      const runs = sorted(planned.filter((p) => p.action === 'run').map(key));
      const onNew = planned.filter((p) => p.host === 'kvm2');
      expect(onNew.map(key)).toEqual(
        plan.steps.filter((s) => s.hosts.includes('kvm2')).map((s) => `${s.id}@kvm2`),
      );
      expect(onNew.filter((p) => p.action !== 'run' || p.why !== 'new-host')).toEqual([]);
      // Where the machines were already: the steps whose content changed with the machine list,
      // and what did not finish last time (blocked by the unreachable repository), nothing else.
      const elsewhere = planned.filter((p) => p.action === 'run' && p.host !== 'kvm2');
      const changed = sorted(elsewhere.filter((p) => p.why === 'changed').map(key));
      report.check(
        `${name}: the plan re-runs for their content alone: ${changed.join(', ')}`,
        before.every((m) => changed.includes(`hostname@${m}`)),
        elsewhere.map((p) => `${key(p)}: ${p.reason}`).join('; '),
      );
      for (const m of before) expect(changed).toContain(`hostname@${m}`);
      expect(elsewhere.filter((p) => !['changed', 'again', 'preflight'].includes(p.why))).toEqual([]);
      expect(
        elsewhere.filter((p) => p.why === 'preflight').every((p) => preflightIds(site).has(p.id)),
      ).toBe(true);
      expect(planned.find((p) => key(p) === `hostname@${management()}`)?.reason).toMatch(
        /CLOUD_MACHINES changed/,
      );

      const grown = await timed('install after add-host', []);
      for (const e of grown.ends)
        report.step({
          layout: `${name} + kvm2`,
          id: e.id,
          host: e.host,
          kind: e.status === 'blocked' ? 'blocked' : 'real',
          status: e.status,
          seconds: Math.round(e.ms / 100) / 10,
          reason: e.reason ?? e.failure?.message,
        });
      const ran = sorted(grown.ends.filter((e) => e.reason !== 'done in an earlier run').map(key));
      report.check(
        `${name}: the grown install ran what the plan said`,
        ran.join() === runs.join(),
        ran.filter((k) => !runs.includes(k)).join(', '),
      );
      const failed = grown.ends.filter((e) => e.status === 'failed');
      expect(failed.map((e) => `${key(e)}: ${e.failure?.message}`)).toEqual([]);
      expect(grown.code, grown.stderr.slice(-500)).toBe(0);
      expect(ran).toEqual(runs);
      // Every machine, old and new, resolves every other by name now.
      for (const m of plan.machines)
        for (const other of plan.machines)
          expect(
            await onLab(ctx, m.name, `getent hosts ${other.name}.${LAB_NETWORK.domain}`),
          ).toContain(other.address);

      const ends = grown.ends.filter((e) => e.host === 'kvm2' || changed.includes(key(e)));
      const stepFailures = await rerunStepChecks(plan, ends, knownHosts, report, `${name} + kvm2`);
      const factFailures = await checkFacts(plan, knownHosts, report, `${name} + kvm2`);
      expect([...stepFailures, ...factFailures]).toEqual([]);

      const after = await timed('recheck --dry-run of the grown lab', ['--recheck', '--dry-run']);
      expect(after.dryRuns.filter((d) => d.recheck === 'drifted').map(key)).toEqual([]);
    },
    ctx.installTimeoutMs,
  );

  it(
    'the API chapter against the same simulator adds exactly the new host',
    async () => {
      const plan = loadInputs({ site }).plan;
      const kvmAddresses = plan.machines.filter((m) => m.role === 'kvm').map((m) => m.address);
      const t = Date.now();
      const run = await runApiChapterAgainstSimulator(site, ctx.apiDir, ctx.sim());
      report.figure(`${name}: API chapter after add-host (s)`, (Date.now() - t) / 1000);
      const changing = run.calls.filter((c) => CHANGING.test(c));
      report.check(
        `${name}: the simulator saw one addHost and nothing else that changes the cloud`,
        changing.join() === 'addHost',
        changing.join(', '),
      );
      const apiWork = run.install.ends.filter(
        (e) => e.host === 'api' && e.reason !== 'done in an earlier run',
      );
      expect(changing).toEqual(['addHost']);
      expect(run.hostAddresses.sort()).toEqual(kvmAddresses.sort());
      expect(apiWork.find((e) => e.id === 'hosts-add')?.status).toBe('changed');
      expect(run.install.code, run.install.stderr.slice(-500)).toBe(0);
      expect(run.verify.code, run.verify.text).toBe(0);
    },
    30 * 60_000,
  );
}
