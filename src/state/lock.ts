// One installer per site: a lock file naming its owner. Whether the owner still runs is judged
// by the process itself, never by the host name (the runbook's own `hostname` step renames the
// management server, where the installer often runs, under a live lock):
// - another machine (its machine id differs: a state folder on shared storage) cannot be
//   checked from here, so its lock counts as held;
// - this machine, another boot (boot id differs): the owner died with that boot;
// - this boot: the owner lives while /proc/PID exists, is not a zombie (killed, not yet
//   reaped by its parent) and started when the lock says (a recycled PID is someone else).
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { t } from '../i18n/translate.ts';

interface Holder {
  pid: number;
  /** Start time of the process in clock ticks since boot (/proc/PID/stat field 22). */
  start?: string;
  /** /proc/sys/kernel/random/boot_id when the lock was taken. */
  boot?: string;
  /** /etc/machine-id: stays the same across reboots and host name changes. */
  machine?: string;
  /** For the operator only: where the lock was taken. */
  host: string;
  at: string;
}

export class LockHeldError extends Error {
  readonly pid: number;
  constructor(file: string, holder: Holder, elsewhere: boolean) {
    super(
      elsewhere
        ? t('another runbook installer (PID {pid} on another machine, {host}, started {at}) is working on this site; wait for it to finish or stop it there, then run again (lock file: {file})', { pid: holder.pid, host: holder.host, at: holder.at, file })
        : t('another runbook installer (PID {pid}, started {at}) is working on this site; wait for it to finish or stop it, then run again (lock file: {file})', { pid: holder.pid, at: holder.at, file }),
    );
    this.name = 'LockHeldError';
    this.pid = holder.pid;
  }
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** State and start time of a process, from /proc/PID/stat (undefined when there is none). */
function processStat(pid: number): { state: string; start: string } | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  // The command name (field 2) may hold spaces and parentheses: fields after it follow the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0]!, start: fields[19]! };
}

function thisMachine(): { boot?: string; machine?: string } {
  return { boot: readText('/proc/sys/kernel/random/boot_id'), machine: readText('/etc/machine-id') };
}

type Liveness = 'alive' | 'dead' | 'elsewhere';

function liveness(holder: Holder): Liveness {
  const here = thisMachine();
  if (holder.machine && here.machine && holder.machine !== here.machine) return 'elsewhere';
  if (holder.boot && here.boot && holder.boot !== here.boot) return 'dead';
  const stat = processStat(holder.pid);
  if (stat) {
    // Z: killed, waiting for its parent to reap it; X: being torn down. Neither runs steps.
    if (stat.state === 'Z' || stat.state === 'X') return 'dead';
    return holder.start && stat.start !== holder.start ? 'dead' : 'alive';
  }
  // No /proc entry: gone, unless this system has no /proc at all; then ask the kernel.
  if (processStat(process.pid)) return 'dead';
  try {
    process.kill(holder.pid, 0);
    return 'alive';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? 'alive' : 'dead';
  }
}

function readHolder(file: string): Holder | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Holder;
  } catch {
    return undefined;
  }
}

/** Take the lock or throw LockHeldError; returns the function that releases it. */
export function acquireLock(file: string): () => void {
  const me: Holder = {
    pid: process.pid,
    start: processStat(process.pid)?.start,
    ...thisMachine(),
    host: hostname(),
    at: new Date().toISOString(),
  };
  const text = JSON.stringify(me) + '\n';
  const temp = `${file}.${process.pid}.new`;
  writeFileSync(temp, text, { mode: 0o600 });
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        linkSync(temp, file); // atomic: fails when a lock exists
        const release = () => {
          if (readFileSync(file, 'utf8') === text) unlinkSync(file);
        };
        return release;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = readHolder(file);
      const state = holder ? liveness(holder) : 'dead';
      if (holder && state !== 'dead') throw new LockHeldError(file, holder, state === 'elsewhere');
      // Stale: move it aside, and put it back if what we moved was someone else's fresh lock.
      const aside = `${file}.${process.pid}.stale`;
      try {
        renameSync(file, aside);
      } catch {
        continue;
      }
      const moved = readHolder(aside);
      if (moved && liveness(moved) !== 'dead') {
        try {
          linkSync(aside, file);
        } catch {
          // someone else holds it now; the next attempt will say who
        }
      }
      unlinkSync(aside);
    }
    throw new Error(t('could not take the lock {file}: it keeps changing hands', { file }));
  } finally {
    unlinkSync(temp);
  }
}

/** The live installer holding the lock, if any (for `runbook status`). */
export function runningInstaller(file: string): { pid: number; at: string } | undefined {
  const holder = readHolder(file);
  return holder && liveness(holder) !== 'dead' ? { pid: holder.pid, at: holder.at } : undefined;
}
