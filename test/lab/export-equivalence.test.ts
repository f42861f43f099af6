// The exports on real Debian 12 VMs (issue #11): on a lab of a management server and one KVM
// host, the fixture runbook (test/fixtures/runbook-export: files and scripts under
// /tmp/rb-export/<site>/<host>) is run three ways, each on fresh VMs from the base image:
// `runbook install`, the exported playbook by `ansible-playbook` (twice: the second run must
// change nothing) and the exported bash scripts on each machine (twice too). The machines' files
// (content, mode, owner) are compared with the loopback harness's hostState. The secrets and the
// host keys the installer recorded are kept across `lab up` (which wipes them), as an operator
// keeps .runbook/ beside the site file; the VMs keep their host keys across `lab down`. The
// playbook's second run is from a copy of the export in another folder, the first one moved
// away: the export carries what it needs (host keys, vault file), as on another machine.
import { execa } from 'execa';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, labUp, machineTarget, type LabStatus } from '../../src/lab/lab.ts';
import { labLayout } from '../../src/lab/layout.ts';
import { statePaths } from '../../src/state/paths.ts';
import { RUNBOOK, ansiblePlaybook, exportTo, vaultArgs, type TestSite } from '../export/harness.ts';
import { claimLabDir, copyToVm, onVm, recapSummary, vmState } from './export-vms.ts';
import { ARTIFACTS, LabReport } from './report.ts';
import { runInstall } from './run-install.ts';

const report = new LabReport('export-equivalence', 'Exports on lab VMs');
/** A check with its detail (output tails) only when it failed: passing rows stay one line. */
const check = (name: string, ok: boolean, detail?: string) =>
  report.check(name, ok, ok ? undefined : detail);
const dir = path.join(ARTIFACTS, 'export-equivalence');
const layout = labLayout(dir);
const state = statePaths(layout.siteFile);
const SITE_NAME = 'lab'; // what the lab's site file calls the site
const MGMT = 'cloudstack-mgmt';
const KVM = 'kvm1';
const ANSIBLE_DONE_DIR = '/var/lib/runbook-export/done'; // the export's default
// Every task starts Python on an emulated CPU: minutes, not the loopback test's seconds.
const PLAYBOOK_TIMEOUT_MS = 30 * 60_000;
const started = Date.now();
const seconds = (since: number) => (Date.now() - since) / 1000;

let lab: LabStatus;
let installed: Record<string, string> | undefined;
/** .runbook/state.json (the secrets) and known_hosts as `runbook install` left them. */
let kept: { state: string; knownHosts: string } | undefined;

/** The site as the loopback harness's exportTo takes it: exports go to <lab dir>/export-<format>. */
const labSite: TestSite = { name: SITE_NAME, dir, file: layout.siteFile, root: '', cleanup() {} };

/**
 * Export into a new folder: an export folder from an earlier run keeps its secrets file (by
 * design: the operator may have encrypted it), which holds that run's passwords, not this one's.
 */
async function exportFresh(format: 'ansible' | 'bash'): Promise<string> {
  rmSync(path.join(dir, `export-${format}`), { recursive: true, force: true });
  const out = await exportTo(labSite, format);
  const { secrets } = JSON.parse(kept!.state) as { secrets: Record<string, string> };
  const file = path.join(out, format === 'ansible' ? 'group_vars/all/secrets.yml' : 'secrets.env');
  const text =
    format === 'ansible'
      ? (await execa('ansible-vault', ['view', ...vaultArgs(labSite), file])).stdout
      : readFileSync(file, 'utf8');
  expect(text, `${file} holds the install's secrets`).toContain(secrets.CLOUD_DB_PASSWORD);
  return out;
}

async function freshLab(phase: string): Promise<void> {
  await labDown({ dir });
  const t = Date.now();
  lab = await labUp({ dir, hosts: 1, memory: 1024 });
  report.figure(`${phase}: lab up (s)`, seconds(t));
}

/** Put back what `lab up` wiped: the secrets the install generated and the host keys it recorded. */
function restoreInstallerState(): void {
  if (!kept) throw new Error('nothing kept from runbook install (did the install test fail?)');
  mkdirSync(state.dir, { recursive: true, mode: 0o700 });
  writeFileSync(state.state, kept.state, { mode: 0o600 });
  writeFileSync(state.knownHosts, kept.knownHosts, { mode: 0o600 });
}

/** Keys whose record differs between two end states (for the report; the assert compares all). */
function differences(expected: Record<string, string>, actual: Record<string, string>): string[] {
  const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
  return keys
    .filter((k) => expected[k] !== actual[k])
    .map((k) => (k in actual ? (k in expected ? `${k} differs` : `${k} extra`) : `${k} missing`));
}

async function compareWithInstall(phase: string): Promise<void> {
  const t = Date.now();
  const now = await vmState(
    layout,
    lab,
    SITE_NAME,
    path.join(dir, `state-${phase.replace(/\W+/g, '-')}`),
  );
  report.figure(`${phase}: reading the machines' files (s)`, seconds(t));
  const diff = differences(installed!, now);
  check(
    `${phase}: the machines' files equal what runbook install left (${Object.keys(now).length} entries)`,
    diff.length === 0,
    diff.join(', '),
  );
  expect(now).toEqual(installed);
}

let release: (() => void) | undefined;
beforeAll(() => {
  release = claimLabDir(dir);
});

afterAll(async () => {
  if (!release) return; // another run owns the lab: leave it alone
  await labDown({ dir });
  release();
  report.figure('total wall time (min)', (Date.now() - started) / 60_000);
  process.stdout.write(`lab report: ${report.write()}\n`);
});

describe('exports of the fixture runbook on a management + 1 KVM host lab', () => {
  it(
    '(a) runbook install leaves the files the fixture describes',
    async () => {
      await freshLab('install');
      const t = Date.now();
      const run = await runInstall(layout.siteFile, ['--runbook', RUNBOOK], 30 * 60_000);
      report.figure('install: runbook install (s)', seconds(t));
      for (const [status, count] of Object.entries(run.summary?.counts ?? {}))
        report.figure(`install: steps ${status}`, count);
      const failed = run.ends.filter((e) => e.status === 'failed' || e.status === 'blocked');
      check(
        'install: runbook install exits 0, no step failed or blocked',
        run.code === 0 && failed.length === 0,
        run.stderr.slice(-400),
      );
      expect(failed.map((e) => `${e.id}@${e.host}=${e.status}`)).toEqual([]);
      expect(run.code, run.stderr.slice(-2000)).toBe(0);

      installed = await vmState(layout, lab, SITE_NAME, path.join(dir, 'state-install'));
      report.figure('install: files and folders compared', Object.keys(installed).length);
      // The comparisons below mean something only if the install did what the fixture says.
      expect(installed[`${MGMT}/var/runs`]).toBe('644 0:0\nrun\n');
      expect(installed[`${KVM}/var/attempts`]).toBe('644 0:0\n2\n');
      expect(installed[`${MGMT}/var/db-digest`]).toMatch(/^644 0:0\n[0-9a-f]{64}\n$/);
      expect(installed[`${MGMT}/etc/db.properties`]).toMatch(
        /^600 0:0\ndb\.cloud\.host=172\.16\.10\.2\ndb\.cloud\.password=\S{20,}\n$/,
      );
      expect(installed[`${KVM}/etc/hosts`]).toMatch(
        /^640 0:0\n127\.0\.0\.1 localhost\n172\.16\.10\.2 /,
      );
      expect(installed[`${KVM}/etc/identity`]).toBe(
        `644 0:0\n${KVM} 172.16.10.3 kvm ${KVM}.lab.internal /\n`,
      );
      expect(installed[`${KVM}/etc/agent.properties`]).toBeDefined();
      expect(installed[`${MGMT}/etc/agent.properties`]).toBeUndefined();

      kept = {
        state: readFileSync(state.state, 'utf8'),
        knownHosts: readFileSync(state.knownHosts, 'utf8'),
      };
      // Restoring the recorded host keys later is honest only if the VMs keep their keys.
      const labKeys = readFileSync(path.join(layout.identityDir, 'known_hosts'), 'utf8');
      const lines = (text: string) => text.split('\n').filter(Boolean).sort();
      check(
        "install: the host keys runbook install recorded are the lab's (kept across lab down)",
        lines(kept.knownHosts).join() === lines(labKeys).join(),
      );
      expect(lines(kept.knownHosts)).toEqual(lines(labKeys));
    },
    60 * 60_000,
  );

  it(
    '(b, c) the Ansible export on fresh VMs leaves the same files, and a second run changes nothing',
    async () => {
      expect(installed, 'the install test must pass first').toBeDefined();
      await freshLab('ansible');
      restoreInstallerState();

      // Ansible's own prerequisite: Python on the machines (the lab's minimal image has none).
      let t = Date.now();
      for (const m of lab.machines) {
        const r = await onVm(
          machineTarget(layout, lab, m.name),
          'command -v python3 >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends python3 >/dev/null',
        );
        expect(r.code, `${m.name}: ${r.output}`).toBe(0);
      }
      report.figure('ansible: installing python3 on the VMs (s)', seconds(t));

      t = Date.now();
      const exported = await exportFresh('ansible');
      report.figure('ansible: export (s)', seconds(t));
      // The host keys travel in the export; no file of it names the installer's known_hosts.
      const lines = (text: string) => text.split('\n').filter((l) => l && !l.startsWith('#'));
      expect(lines(readFileSync(path.join(exported, 'known_hosts'), 'utf8')).sort()).toEqual(
        lines(kept!.knownHosts).sort(),
      );
      for (const f of ['inventory.yml', 'group_vars/all/connection.yml'])
        expect(readFileSync(path.join(exported, f), 'utf8')).not.toContain(state.knownHosts);

      // Host key checking on (the harness turns it off for its throwaway sshds).
      const checking = ['-e', '{"ansible_host_key_checking": true}'];
      const playbook = async (
        which: 'first' | 'second',
        from = exported,
        vault = vaultArgs(labSite),
      ) => {
        const start = Date.now();
        const run = await ansiblePlaybook(
          from,
          ANSIBLE_DONE_DIR,
          [...checking, ...vault],
          PLAYBOOK_TIMEOUT_MS,
        );
        report.figure(`ansible: ${which} ansible-playbook run (s)`, seconds(start));
        report.figure(`ansible: ${which} run recap`, recapSummary(run.recap));
        return run;
      };
      const first = await playbook('first');
      check(
        'ansible: the first ansible-playbook run succeeds',
        first.code === 0,
        first.output.slice(-600),
      );
      expect(first.code, first.output.slice(-4000)).toBe(0);
      expect(first.recap[MGMT]?.changed).toBeGreaterThan(0);
      await compareWithInstall('ansible');

      // The second run from a copy elsewhere, with its own vault password file, the original gone.
      const elsewhere = mkdtempSync(path.join(tmpdir(), 'rb-lab-export-copy-'));
      const copy = path.join(elsewhere, 'playbook');
      cpSync(exported, copy, { recursive: true });
      cpSync(vaultArgs(labSite)[1]!, path.join(elsewhere, 'vault-password'));
      renameSync(exported, `${exported}.away`);
      let second: Awaited<ReturnType<typeof playbook>>;
      try {
        second = await playbook('second', copy, [
          '--vault-password-file',
          path.join(elsewhere, 'vault-password'),
        ]);
      } finally {
        renameSync(`${exported}.away`, exported);
        rmSync(elsewhere, { recursive: true, force: true });
      }
      const unchanged = [MGMT, KVM].every(
        (h) => second.recap[h]?.changed === 0 && second.recap[h]?.failed === 0,
      );
      check(
        'ansible: the second run (from a copy in another folder) reports changed=0 and failed=0 on both machines',
        second.code === 0 && unchanged,
        recapSummary(second.recap),
      );
      expect(second.code, second.output.slice(-4000)).toBe(0);
      for (const h of [MGMT, KVM])
        expect(second.recap[h], second.output.slice(-4000)).toMatchObject({
          changed: 0,
          failed: 0,
        });
      await compareWithInstall('ansible, after the second run');
    },
    60 * 60_000,
  );

  it(
    '(d) the bash export on fresh VMs leaves the same files, and a second run changes nothing',
    async () => {
      expect(installed, 'the install test must pass first').toBeDefined();
      await freshLab('bash');
      restoreInstallerState();
      let t = Date.now();
      const exported = await exportFresh('bash');
      report.figure('bash: export (s)', seconds(t));

      // As an operator would: copy the folder to each machine and run that role's script as root.
      const remote = '/root/runbook-export';
      const scripts: [string, string][] = [
        [MGMT, 'management.sh'],
        [KVM, 'kvm.sh'],
      ];
      const runAll = async (round: string) => {
        const outputs: Record<string, string> = {};
        for (const [host, script] of scripts) {
          const start = Date.now();
          const r = await onVm(
            machineTarget(layout, lab, host),
            `${remote}/${script} --host ${host}`,
            20 * 60_000,
          );
          report.figure(`bash: ${round} run of ${script} on ${host} (s)`, seconds(start));
          check(
            `bash: ${round} run of ${script} on ${host} exits 0`,
            r.code === 0,
            r.output.slice(-600),
          );
          expect(r.code, `${host}: ${r.output.slice(-4000)}`).toBe(0);
          outputs[host] = r.output;
        }
        return outputs;
      };
      t = Date.now();
      for (const [host] of scripts)
        await copyToVm(machineTarget(layout, lab, host), exported, remote);
      report.figure('bash: copying the export to the VMs (s)', seconds(t));
      const first = await runAll('first');
      // The scripts say `PATH: changed` for each file they write and `skipped: ...` for a done step.
      const changedLines = (text: string) =>
        text.split('\n').filter((l) => /: changed$/.test(l)).length;
      const skippedLines = (text: string) =>
        text.split('\n').filter((l) => /^\s*skipped: /.test(l)).length;
      report.figure(
        'bash: first run, files written (changed)',
        Object.values(first).reduce((n, o) => n + changedLines(o), 0),
      );
      await compareWithInstall('bash');

      const again = await runAll('second');
      const changedAgain = Object.entries(again).filter(([, o]) => changedLines(o) > 0);
      report.figure(
        'bash: second run, files written (changed)',
        Object.values(again).reduce((n, o) => n + changedLines(o), 0),
      );
      report.figure(
        'bash: second run, steps skipped as done',
        Object.values(again).reduce((n, o) => n + skippedLines(o), 0),
      );
      check(
        'bash: the second run changes nothing',
        changedAgain.length === 0,
        changedAgain.map(([h, o]) => `${h}: ${o.slice(-300)}`).join('; '),
      );
      expect(changedAgain.map(([h]) => h)).toEqual([]);
      expect(again[MGMT]).toContain('skipped: done in an earlier run');
      await compareWithInstall('bash, after the second run');
    },
    60 * 60_000,
  );
});
