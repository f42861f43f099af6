// The export equivalence test's hands on the lab VMs: bring the fixture runbook's files home
// (so the loopback harness's hostState compares them), put an export folder on a VM, and run
// a command there. Everything goes through the lab's loopback ports with its key and known_hosts.
import { execa } from 'execa';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { LabStatus } from '../../src/lab/lab.ts';
import type { LabLayout } from '../../src/lab/layout.ts';
import { sshArgs, sshRun, type SshTarget } from '../../src/lab/ssh.ts';
import { machineTarget } from '../../src/lab/lab.ts';
import { hostState, type TestSite } from '../export/harness.ts';

/** Where the fixture runbook keeps each machine's files: /tmp/rb-export/<site>/<host>. */
export const VM_ROOT = '/tmp/rb-export';

/** Run `command` on a VM; never throws (look at code). */
export async function onVm(
  target: SshTarget,
  command: string,
  timeoutMs = 10 * 60_000,
  input?: Uint8Array,
): Promise<{ code: number; output: string }> {
  const r = await sshRun(target, command, timeoutMs, { input, connectTimeoutS: 30 });
  return { code: r.exitCode ?? -1, output: `${r.stdout}\n${r.stderr}`.trim() };
}

/**
 * Copy every machine's /tmp/rb-export/<site>/<host> into `localDir` (tar keeps modes, numeric
 * owners and contents) and return hostState of it: the same record the loopback test compares.
 */
export async function vmState(
  layout: LabLayout,
  lab: LabStatus,
  siteName: string,
  localDir: string,
): Promise<Record<string, string>> {
  rmSync(localDir, { recursive: true, force: true });
  mkdirSync(localDir, { recursive: true });
  for (const m of lab.machines) {
    const folder = `${VM_ROOT}/${siteName}`;
    const packed = await execa(
      'ssh',
      sshArgs(
        machineTarget(layout, lab, m.name),
        `if [ -d ${folder}/${m.name} ]; then tar -C ${folder} -cf - -- ${m.name}; fi`,
        30,
      ),
      { reject: false, timeout: 5 * 60_000, encoding: 'buffer', stdin: 'ignore' },
    );
    if (packed.exitCode !== 0)
      throw new Error(
        `cannot read ${folder}/${m.name} on ${m.name}: ${Buffer.from(packed.stderr).toString()}`,
      );
    if (packed.stdout.length === 0) continue;
    await execa('tar', ['-C', localDir, '-xpf', '-', '--same-owner', '--numeric-owner'], {
      input: packed.stdout,
    });
  }
  const site: TestSite = { name: siteName, dir: localDir, file: '', root: localDir, cleanup() {} };
  return hostState(site);
}

/** Put the files of `localDir` into `remoteDir` on a VM (replacing it), modes kept. */
export async function copyToVm(
  target: SshTarget,
  localDir: string,
  remoteDir: string,
): Promise<void> {
  const packed = await execa('tar', ['-C', localDir, '-cf', '-', '.'], { encoding: 'buffer' });
  const r = await onVm(
    target,
    `rm -rf ${remoteDir} && mkdir -p ${remoteDir} && tar -C ${remoteDir} -xpf -`,
    5 * 60_000,
    packed.stdout,
  );
  if (r.code !== 0) throw new Error(`cannot copy ${localDir} to ${remoteDir}: ${r.output}`);
}

/** The per-host counts of an Ansible PLAY RECAP, flattened for the report. */
export function recapSummary(recap: Record<string, Record<string, number>>): string {
  return Object.entries(recap)
    .map(
      ([host, c]) =>
        `${host}: ok=${c.ok} changed=${c.changed} failed=${c.failed} skipped=${c.skipped}`,
    )
    .join('; ');
}

export function siteDirOf(layout: LabLayout): string {
  return path.dirname(layout.siteFile);
}

/**
 * Claim the lab folder for this test process. Two runs of the test (one alone, one in the whole
 * `npm run test:lab`) would otherwise take each other's lab down, since each starts with
 * `lab down`. A claim left by a process that has ended is taken over.
 */
export function claimLabDir(dir: string): () => void {
  const file = path.join(dir, 'test-owner.pid');
  mkdirSync(dir, { recursive: true });
  if (existsSync(file)) {
    const pid = Number(readFileSync(file, 'utf8').trim());
    if (pid !== process.pid && Number.isInteger(pid) && pid > 0 && existsSync(`/proc/${pid}`))
      throw new Error(
        `${dir} is in use by another run of this test (pid ${pid}); wait for it to end`,
      );
  }
  writeFileSync(file, `${process.pid}\n`);
  return () => {
    if (existsSync(file) && readFileSync(file, 'utf8').trim() === String(process.pid)) rmSync(file);
  };
}
