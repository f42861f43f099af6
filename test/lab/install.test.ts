// The runbook end to end on lab VMs: `runbook install` on an all-in-one lab and on a management
// server + one KVM host, then the runbook's own checks run independently on the machines, then
// a second install that must change nothing. download.cloudstack.org is not reachable from the
// lab, so the steps that need CloudStack's packages end `blocked` (reported, not failed).
// RUNBOOK_LAB_LAYOUTS=aio,split picks the layouts (default both); each takes a long time under TCG.
import { execa } from 'execa';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInputs } from '../../installer/load-inputs.ts';
import { hostVariables } from '../../src/executor/variables.ts';
import { labDown, labUp } from '../../src/lab/lab.ts';
import { labLayout } from '../../src/lab/layout.ts';
import { sshRun } from '../../src/lab/ssh.ts';
import type { Plan } from '../../src/plan/model.ts';
import { ARTIFACTS, LabReport } from './report.ts';

const runbookCli = path.resolve('installer/bin/runbook.js');
const layouts = (process.env.RUNBOOK_LAB_LAYOUTS ?? 'aio,split').split(',').map((s) => s.trim());
const report = new LabReport('install', 'Runbook install on lab VMs');
// Under TCG on a busy machine one install takes well over the suite's 30 minutes.
const INSTALL_TIMEOUT_MS = Number(process.env.RUNBOOK_LAB_INSTALL_TIMEOUT_MIN ?? 240) * 60_000;

interface StepEnd {
  type: 'step-end';
  id: string;
  host: string;
  status: string;
  ms: number;
  reason?: string;
  failure?: { command: string; exitCode?: number; lastLines: string[]; log: string };
}
interface Summary {
  type: 'summary';
  ms: number;
  counts: Record<string, number>;
  result: string;
  blockedSteps: { id: string; host: string; reason: string }[];
}

async function install(
  site: string,
  label: string,
): Promise<{ code: number; ends: StepEnd[]; summary?: Summary }> {
  const result = await execa(
    process.execPath,
    [runbookCli, 'install', '--site', site, '--yes', '--json'],
    { reject: false, timeout: INSTALL_TIMEOUT_MS, all: false },
  );
  const ends: StepEnd[] = [];
  let summary: Summary | undefined;
  for (const line of String(result.stdout).split('\n')) {
    if (!line.startsWith('{')) continue;
    const event = JSON.parse(line) as { type: string };
    if (event.type === 'step-end') ends.push(event as StepEnd);
    if (event.type === 'summary') summary = event as Summary;
  }
  if (!summary)
    report.check(`${label}: install printed a summary`, false, String(result.stderr).slice(-500));
  return { code: result.exitCode ?? -1, ends, summary };
}

const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/** Run every finished host step's `check` on its machine, as the runbook states it. */
async function checkMachines(
  plan: Plan,
  ends: StepEnd[],
  knownHosts: string,
  label: string,
): Promise<string[]> {
  const failures: string[] = [];
  for (const end of ends) {
    if (!['ok', 'changed', 'skipped'].includes(end.status)) continue;
    const step = plan.steps.find((s) => s.id === end.id);
    const machine = plan.machines.find((m) => m.name === end.host);
    if (!step?.check || !machine) continue;
    if (plan.secrets.some((secret) => step.check!.includes(secret))) {
      report.check(
        `${label}: ${end.id} on ${end.host}: check uses a secret, left to the installer`,
        true,
      );
      continue;
    }
    const env = {
      DEBIAN_FRONTEND: 'noninteractive',
      ...plan.variables,
      ...hostVariables(plan, machine),
    };
    const command = `env ${Object.entries(env)
      .map(([k, v]) => `${k}=${quote(v)}`)
      .join(' ')} bash -euo pipefail -c ${quote(step.check)}`;
    const result = await sshRun(
      {
        host: machine.ssh.host,
        port: machine.ssh.port,
        identity: machine.ssh.identity!,
        knownHosts,
      },
      command,
      120_000,
    );
    const ok = result.exitCode === 0;
    report.check(
      `${label}: ${end.id} on ${end.host}: \`${step.check}\``,
      ok,
      ok ? undefined : String(result.stderr).slice(-300),
    );
    if (!ok) failures.push(`${end.id}@${end.host}`);
  }
  return failures;
}

afterAll(() => {
  process.stdout.write(`lab report: ${report.write()}\n`);
});

for (const name of layouts) {
  const hosts = name === 'aio' ? 0 : name === 'split' ? 1 : NaN;
  describe(`runbook install on the ${name === 'aio' ? 'all-in-one' : 'management + 1 KVM host'} lab`, () => {
    const dir = path.join(ARTIFACTS, `install-${name}`);
    const layout = labLayout(dir);
    let plan: Plan;

    beforeAll(async () => {
      if (Number.isNaN(hosts))
        throw new Error(`RUNBOOK_LAB_LAYOUTS: unknown layout "${name}"; use aio, split or both`);
      await labDown({ dir });
      const t = Date.now();
      await labUp({ hosts, memory: name === 'aio' ? 6144 : 4096, dir });
      report.figure(`${name}: lab up (s)`, (Date.now() - t) / 1000);
      rmSync(path.join(dir, '.runbook'), { recursive: true, force: true });
      plan = loadInputs({ site: layout.siteFile }).plan;
    });
    afterAll(async () => {
      await labDown({ dir });
    });

    it(
      'installs: no step fails; steps needing download.cloudstack.org end blocked',
      async () => {
        const t = Date.now();
        const first = await install(layout.siteFile, `${name} first install`);
        report.figure(`${name}: first install (s)`, (Date.now() - t) / 1000);
        for (const [status, count] of Object.entries(first.summary?.counts ?? {}))
          report.figure(`${name}: first install ${status}`, count);
        const failed = first.ends.filter((e) => e.status === 'failed');
        for (const f of failed)
          report.check(
            `${name}: ${f.id} on ${f.host}`,
            false,
            `${f.failure?.command} exit ${f.failure?.exitCode}: ${f.failure?.lastLines.slice(-5).join(' | ')}`,
          );
        for (const b of first.summary?.blockedSteps ?? [])
          report.check(
            `${name}: ${b.id} on ${b.host} blocked`,
            /cloudstack/i.test(b.reason),
            b.reason,
          );
        expect(failed.map((f) => `${f.id}@${f.host}`)).toEqual([]);
        expect(first.code).toBe(0);

        const failures = await checkMachines(
          plan,
          first.ends,
          path.join(layout.identityDir, 'known_hosts'),
          name,
        );
        expect(failures).toEqual([]);
      },
      INSTALL_TIMEOUT_MS,
    );

    it(
      'a second install changes nothing',
      async () => {
        const t = Date.now();
        const second = await install(layout.siteFile, `${name} second install`);
        report.figure(`${name}: second install (s)`, (Date.now() - t) / 1000);
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
  });
}
