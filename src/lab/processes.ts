// Long-lived lab processes (relays, qemu) run detached from the command that started them and
// are found again through the state file. Before signalling a recorded pid we check that its
// command line still carries the lab's marker, so a recycled pid is never killed.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return undefined;
  }
}

/** True when `pid` runs and its command line contains `marker`. */
export function isLabProcess(pid: number, marker: string): boolean {
  return commandLine(pid)?.includes(marker) ?? false;
}

/** Start `command` in its own session with output appended to `logFile`; returns its pid. */
export function spawnDetached(command: string, args: string[], logFile: string): number {
  const out = openSync(logFile, 'a');
  try {
    const child = spawn(command, args, { detached: true, stdio: ['ignore', out, out] });
    child.unref();
    if (child.pid === undefined) throw new Error(`could not start ${command}`);
    return child.pid;
  } finally {
    closeSync(out);
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
export async function stopProcess(
  pid: number,
  marker: string,
  graceMs = 5000,
): Promise<'stopped' | 'not-running'> {
  if (!isLabProcess(pid, marker)) return 'not-running';
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return 'not-running';
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isLabProcess(pid, marker) || isZombie(pid)) return 'stopped';
    await sleep(100);
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
  while (isLabProcess(pid, marker) && !isZombie(pid)) await sleep(50);
  return 'stopped';
}

function isZombie(pid: number): boolean {
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}
