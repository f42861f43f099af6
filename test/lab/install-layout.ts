// One lab layout end to end; install-aio.test.ts and install-split.test.ts call it, and vitest
// runs the two files side by side. `runbook install` of the bundled runbook on the lab; then the runbook's own checks and independent facts on the machines; the
// API chapter against the CloudStack API simulator (labelled simulated: no CloudStack can be
// installed here); and a second install that must change nothing. download.cloudstack.org is not
// reachable from the lab, so the steps that need CloudStack's packages end `blocked` (reported,
// not failed). On the split lab a bridge misconfiguration is injected first and must revert by
// itself, and day two follows (day-two.ts): drift rechecked and healed, a second KVM host added.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInputs } from '../../installer/load-inputs.ts';
import { labDown, labUp, machineTarget, type LabStatus } from '../../src/lab/lab.ts';
import { labLayout } from '../../src/lab/layout.ts';
import type { Plan } from '../../src/plan/model.ts';
import type { Simulator } from '../simulator/server.ts';
import {
  FIRST_API_STEP,
  runApiChapterAgainstSimulator,
  startLabSimulator,
} from './api-simulated.ts';
import { describeDayTwo } from './day-two.ts';
import { injectBridgeMisconfiguration } from './bridge-rollback.ts';
import { checkFacts, PREPARE_MULTI_NIC, rerunStepChecks } from './machine-checks.ts';
import { NEEDS } from '../../src/runbook/needs.ts';
import { sshRun } from '../../src/lab/ssh.ts';
import { ARTIFACTS, LabReport } from './report.ts';
import { runInstall, type StepEnd } from './run-install.ts';

// Under TCG on a busy machine one install can take well over the suite's 30 minutes.
const INSTALL_TIMEOUT_MS = Number(process.env.RUNBOOK_LAB_INSTALL_TIMEOUT_MIN ?? 240) * 60_000;

/** Blocked by an outside host the lab cannot reach: the probe's reason names the need (needs.ts). */
const blockedByOutsideHost = (reason: string) =>
  Object.values(NEEDS).some(
    (need) => reason.startsWith(`${need.what} (`) && reason.includes(' is unreachable from '),
  );

function recordSteps(report: LabReport, layout: string, ends: StepEnd[]): void {
  for (const e of ends)
    report.step({
      layout,
      id: e.id,
      host: e.host,
      kind: e.simulated ? 'simulated' : e.status === 'blocked' ? 'blocked' : 'real',
      status: e.status,
      seconds: Math.round(e.ms / 100) / 10,
      reason: e.reason ?? e.failure?.message,
    });
}

export type LayoutName = 'aio' | 'split';

/** RUNBOOK_LAB_LAYOUTS=aio or =split runs one of the two (default both). */
export function layoutSelected(name: LayoutName): boolean {
  return (process.env.RUNBOOK_LAB_LAYOUTS ?? 'aio,split')
    .split(',')
    .map((s) => s.trim())
    .includes(name);
}

export function describeLayoutInstall(name: LayoutName): void {
  const hosts = name === 'aio' ? 0 : 1;
  const report = new LabReport(
    `install-${name}`,
    `Runbook install on the ${name === 'aio' ? 'all-in-one' : 'management + 1 KVM host'} lab`,
  );
  const started = Date.now();
  afterAll(() => {
    report.figure(`${name}: wall time (min)`, (Date.now() - started) / 60_000);
    process.stdout.write(`lab report: ${report.write()}\n`);
  });
  describe(`runbook install on the ${name === 'aio' ? 'all-in-one' : 'management + 1 KVM host'} lab`, () => {
    const dir = path.join(ARTIFACTS, `install-${name}`);
    const layout = labLayout(dir);
    const knownHosts = path.join(layout.identityDir, 'known_hosts');
    let plan: Plan;
    let lab: LabStatus;
    let sim: Simulator;
    const apiDir = path.join(dir, 'api-simulated');
    const timedInstall = async (which: 'first' | 'second') => {
      const start = Date.now();
      const run = await runInstall(layout.siteFile, [], INSTALL_TIMEOUT_MS);
      report.figure(`${name}: ${which} install (s)`, (Date.now() - start) / 1000);
      return run;
    };

    beforeAll(async () => {
      await labDown({ dir });
      const t = Date.now();
      lab = await labUp({ hosts, dir });
      report.figure(`${name}: lab up (s)`, (Date.now() - t) / 1000);
      rmSync(path.join(dir, '.runbook'), { recursive: true, force: true });
      plan = loadInputs({ site: layout.siteFile }).plan;
      // Each KVM machine gets a multi-card /etc/network/interfaces, which the bridge step must keep.
      for (const machine of plan.machines.filter((m) => m.role !== 'management')) {
        const prepared = await sshRun(
          machineTarget(layout, lab, machine.name),
          PREPARE_MULTI_NIC,
          60_000,
        );
        if (prepared.exitCode !== 0)
          throw new Error(`preparing ${machine.name}'s interfaces failed: ${prepared.stderr}`);
      }
      sim = await startLabSimulator();
    });
    afterAll(async () => {
      await sim?.close();
      await labDown({ dir });
    });

    if (hosts > 0)
      it(
        'a bridge misconfiguration reverts by itself and the host stays reachable',
        async () => {
          const kvm = lab.machines.find((m) => m.role === 'kvm')!;
          const t = Date.now();
          const run = await injectBridgeMisconfiguration(
            layout.siteFile,
            path.join(dir, 'bridge-injection'),
            kvm.name,
            machineTarget(layout, lab, kvm.name),
          );
          report.figure(
            `${name}: injected bridge fault, back after (s)`,
            run.backAfterSeconds ?? 'never',
          );
          report.figure(`${name}: bridge injection test (s)`, (Date.now() - t) / 1000);
          report.check(
            `${name}: the bridge step with a wrong address fails instead of hanging`,
            run.installCode !== 0 && run.bridgeEnd?.status === 'failed',
            `${run.bridgeEnd?.status}: ${run.bridgeEnd?.failure?.message ?? run.stderr.slice(-300)}`,
          );
          report.check(
            `${name}: ${kvm.name} answers SSH at its real address again`,
            run.backAfterSeconds !== undefined,
          );
          report.check(
            `${name}: ${kvm.name} is back on its old configuration, rolled back by the timer`,
            run.after.ok,
            run.after.output,
          );
          expect(run.bridgeEnd?.status).toBe('failed');
          expect(run.installCode).not.toBe(0);
          expect(run.backAfterSeconds).toBeDefined();
          expect(run.after.ok, run.after.output).toBe(true);
        },
        20 * 60_000,
      );

    it(
      'installs: no step fails; steps needing download.cloudstack.org end blocked',
      async () => {
        const first = await timedInstall('first');
        for (const [status, count] of Object.entries(first.summary?.counts ?? {}))
          report.figure(`${name}: first install ${status}`, count);
        recordSteps(report, name, first.ends);
        const failed = first.ends.filter((e) => e.status === 'failed');
        for (const f of failed)
          report.check(
            `${name}: ${f.id} on ${f.host}`,
            false,
            `${f.failure?.command} exit ${f.failure?.exitCode}: ${f.failure?.lastLines.slice(-5).join(' | ')}`,
          );
        // Blocked directly by an unreachable repository, or through `requires` on such a step.
        const blockedHostSteps = first.ends.filter(
          (e) => e.status === 'blocked' && e.host !== 'api',
        );
        const wronglyBlocked = blockedHostSteps.filter(
          (e) => !blockedByOutsideHost(e.reason ?? '') && !/^requires /.test(e.reason ?? ''),
        );
        report.check(
          `${name}: ${blockedHostSteps.length} machine steps blocked, each by an unreachable outside host or a step that was`,
          wronglyBlocked.length === 0,
          wronglyBlocked.map((e) => `${e.id}@${e.host}: ${e.reason}`).join('; '),
        );
        // Look at the machines before asserting, so a failed run still reports what holds.
        const stepFailures = await rerunStepChecks(plan, first.ends, knownHosts, report, name);
        const factFailures = await checkFacts(plan, knownHosts, report, name);
        expect(first.summary, first.stderr.slice(-500)).toBeDefined();
        expect(failed.map((f) => `${f.id}@${f.host}`)).toEqual([]);
        expect(wronglyBlocked).toEqual([]);
        expect(first.code).toBe(0);

        expect([...stepFailures, ...factFailures]).toEqual([]);
      },
      INSTALL_TIMEOUT_MS,
    );

    it(
      'the API chapter runs against the CloudStack API simulator, labelled simulated',
      async () => {
        const t = Date.now();
        rmSync(apiDir, { recursive: true, force: true });
        const run = await runApiChapterAgainstSimulator(layout.siteFile, apiDir, sim);
        report.figure(`${name}: API chapter against the simulator (s)`, (Date.now() - t) / 1000);
        recordSteps(report, name, run.install.ends);
        const apiEnds = run.install.ends.filter((e) => e.host === 'api');
        const notSimulated = apiEnds.filter(
          (e) => !e.simulated || !['ok', 'changed'].includes(e.status),
        );
        report.check(
          `${name}: ${apiEnds.length} api steps from ${FIRST_API_STEP} answered by the simulator`,
          apiEnds.length > 0 && notSimulated.length === 0,
          notSimulated
            .map(
              (e) =>
                `${e.id}=${e.status}${e.simulated ? '' : ' (not simulated)'}: ${e.reason ?? e.failure?.message ?? ''}`,
            )
            .join('; '),
        );
        const machineSteps = run.install.ends.filter((e) => e.host !== 'api');
        const ranForReal = machineSteps.filter(
          (e) => e.status !== 'blocked' || !/simulator/.test(e.reason ?? ''),
        );
        report.check(
          `${name}: machine steps after the API chapter stay blocked (only the simulator answered)`,
          ranForReal.length === 0,
          ranForReal.map((e) => `${e.id}@${e.host}=${e.status}`).join(', '),
        );
        const kvmAddresses = plan.machines
          .filter((m) => m.role !== 'management')
          .map((m) => m.address);
        report.check(
          `${name}: the simulated zone is Enabled with the lab's KVM hosts ${kvmAddresses.join(', ')}`,
          run.zoneState === 'Enabled' && run.hostAddresses.join() === kvmAddresses.join(),
          `zone ${run.zoneState}, hosts ${run.hostAddresses.join(', ')}`,
        );
        const hostRows = plan.machines
          .filter((m) => m.role !== 'management')
          .map((m) => `${m.name} (${m.address})`);
        const unnamed = hostRows.filter((row) => !run.verify.text.includes(row));
        report.check(
          `${name}: runbook verify names each KVM host as its agent reports it: ${hostRows.join(', ')}`,
          unnamed.length === 0,
          unnamed.length > 0 ? `missing: ${unnamed.join(', ')}` : '',
        );
        report.check(
          `${name}: runbook verify passes against the simulator`,
          run.verify.code === 0,
          run.verify.text.slice(-400),
        );
        expect(notSimulated).toEqual([]);
        expect(apiEnds.length).toBe(plan.steps.filter((s) => s.on === 'api').length);
        expect(ranForReal).toEqual([]);
        expect(run.zoneState).toBe('Enabled');
        expect(run.hostAddresses).toEqual(kvmAddresses);
        expect(run.install.code).toBe(0);
        expect(run.verify.code, run.verify.text).toBe(0);
        expect(unnamed, run.verify.text).toEqual([]);
      },
      30 * 60_000,
    );

    it(
      'a second install changes nothing',
      async () => {
        const second = await timedInstall('second');
        const changed = second.ends.filter((e) => e.status === 'changed' || e.status === 'failed');
        report.check(
          `${name}: second install changed nothing`,
          changed.length === 0,
          changed.map((e) => `${e.id}@${e.host}=${e.status}`).join(', '),
        );
        expect(changed.map((e) => `${e.id}@${e.host}=${e.status}`)).toEqual([]);
      },
      INSTALL_TIMEOUT_MS,
    );

    if (hosts > 0)
      describeDayTwo({
        name,
        layout,
        report,
        lab: () => lab,
        setLab: (grown) => (lab = grown),
        sim: () => sim,
        apiDir,
        installTimeoutMs: INSTALL_TIMEOUT_MS,
      });
  });
}
