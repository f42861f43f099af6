// Stage "provisioned": boot the lab's base image as an all-in-one lab machine (the lab's own
// namespace and archive-only proxy), run this project's installer against it over SSH exactly
// as a user would, power it off cleanly and keep its disk, flattened. Steps needing
// download.cloudstack.org end `blocked` here; the image carries the site file and the journal so
// `runbook install` inside the appliance finishes them where that repository is reachable.
import { execa } from 'execa';
import { copyFileSync, cpSync, createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { labDown, labUp, sshTarget } from '../../src/lab/lab.ts';
import { labLayout } from '../../src/lab/layout.ts';
import { isLabProcess } from '../../src/lab/processes.ts';
import { sshRun } from '../../src/lab/ssh.ts';
import { readLabState } from '../../src/lab/state.ts';
import { repoRoot } from '../lib/paths.ts';

export interface InstallCounts {
  ok: number;
  changed: number;
  skipped: number;
  failed: number;
  blocked: number;
}

export interface ProvisionResult {
  /** Flattened qcow2 of the VM's root filesystem (ext4, no partition table). */
  disk: string;
  counts: InstallCounts;
  blocked: { id: string; reason: string }[];
  failed: { id: string; message: string }[];
  installSeconds: number;
  bootSeconds: number;
  accel: string;
  /** The site file and `.runbook/` state the installer used, for the image to carry. */
  stateDir: string;
}

export interface ProvisionOptions {
  labDir: string;
  /** A runbook folder other than the bundled one (`runbook install --runbook DIR`). */
  runbook?: string;
  outDir: string;
  memoryMb: number;
  /** Run inside the VM after the installer, before power-off (preparing it as an appliance). */
  finish: (run: (command: string, timeoutMs?: number) => Promise<string>) => Promise<void>;
  log: (line: string) => void;
}

export async function provisionAllInOne(options: ProvisionOptions): Promise<ProvisionResult> {
  const { log } = options;
  mkdirSync(options.outDir, { recursive: true });
  await labDown({ dir: options.labDir }); // left over from an interrupted build
  const started = Date.now();
  const status = await labUp({ dir: options.labDir, hosts: 0, memory: options.memoryMb, onProgress: (m) => log(`lab: ${m}`) });
  const bootSeconds = (Date.now() - started) / 1000;
  const layout = labLayout(options.labDir);
  try {
    const machine = status.machines[0]!;
    const target = sshTarget(layout, machine.sshPort);
    const run = async (command: string, timeoutMs = 30 * 60_000) => {
      const result = await sshRun(target, command, timeoutMs);
      if (result.exitCode !== 0) throw new Error(`in the VM, \`${command}\` failed (exit ${result.exitCode}): ${String(result.stderr).trim().slice(-2000)}`);
      return String(result.stdout);
    };

    log('installer: runbook install --yes --json against the all-in-one lab machine');
    const installStart = Date.now();
    const eventsFile = path.join(options.outDir, 'install-events.jsonl');
    const events = createWriteStream(eventsFile);
    // A fresh machine: a journal left by an earlier build would claim steps this disk never saw.
    rmSync(path.join(layout.dir, '.runbook'), { recursive: true, force: true });
    const runbookArgs = options.runbook ? ['--runbook', options.runbook] : [];
    const child = execa(process.execPath, [path.join(repoRoot, 'installer', 'bin', 'runbook.js'), 'install', '--site', status.siteFile, '--yes', '--json', ...runbookArgs], {
      reject: false, cwd: layout.dir, stdin: 'ignore', env: { ...process.env, NO_COLOR: '1' },
    });
    child.stdout?.pipe(events);
    child.stderr?.on('data', (chunk: Buffer) => log(`installer: ${chunk.toString().trimEnd()}`));
    const result = await child;
    events.end();
    const installSeconds = (Date.now() - installStart) / 1000;
    const parsed = summarise(readFileSync(eventsFile, 'utf8'));
    log(`installer: exit ${result.exitCode} after ${Math.round(installSeconds)} s: ${JSON.stringify(parsed.counts)}`);
    if (parsed.counts.failed > 0) {
      throw new Error(`the installer failed on the build VM: ${parsed.failed.map((f) => `${f.id}: ${f.message}`).join('; ')} (events: ${eventsFile})`);
    }

    await options.finish(run);

    log('power-off');
    await sshRun(target, 'systemctl poweroff', 30_000);
    const pid = readLabState(layout.stateFile)?.machines[0]?.pid;
    const deadline = Date.now() + 5 * 60_000;
    while (pid && isLabProcess(pid, layout.dir)) {
      if (Date.now() > deadline) throw new Error('the build VM did not power off within 5 minutes');
      await sleep(500);
    }
    const disk = path.join(options.outDir, 'root.qcow2');
    log('flattening the VM disk');
    await execa('qemu-img', ['convert', '-O', 'qcow2', machine.disk, `${disk}.tmp`]);
    await execa('mv', [`${disk}.tmp`, disk]);
    const stateDir = path.join(options.outDir, 'site');
    mkdirSync(stateDir, { recursive: true });
    copyFileSync(status.siteFile, path.join(stateDir, 'site.yaml'));
    if (existsSync(path.join(layout.dir, '.runbook'))) cpSync(path.join(layout.dir, '.runbook'), path.join(stateDir, '.runbook'), { recursive: true });
    const provision: ProvisionResult = { disk, ...parsed, installSeconds, bootSeconds, accel: status.accel ?? 'unknown', stateDir };
    writeFileSync(path.join(options.outDir, 'provision.json'), JSON.stringify(provision, null, 2) + '\n');
    return provision;
  } finally {
    await labDown({ dir: options.labDir });
  }
}

/** Counts and reasons from the installer's JSON event lines (DESIGN.md section 5). */
export function summarise(jsonLines: string): Pick<ProvisionResult, 'counts' | 'blocked' | 'failed'> {
  const counts: InstallCounts = { ok: 0, changed: 0, skipped: 0, failed: 0, blocked: 0 };
  const blocked: ProvisionResult['blocked'] = [];
  const failed: ProvisionResult['failed'] = [];
  for (const line of jsonLines.split('\n')) {
    if (!line.startsWith('{')) continue;
    const event = JSON.parse(line) as { type: string; status?: keyof InstallCounts; id?: string; reason?: string; message?: string; error?: string };
    if (event.type !== 'step-end' || !event.status) continue;
    counts[event.status] = (counts[event.status] ?? 0) + 1;
    if (event.status === 'blocked') blocked.push({ id: event.id ?? '?', reason: event.reason ?? event.message ?? '' });
    if (event.status === 'failed') failed.push({ id: event.id ?? '?', message: event.message ?? event.error ?? '' });
  }
  return { counts, blocked, failed };
}
