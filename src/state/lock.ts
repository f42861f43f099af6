// One installer per site: a lock file holding the owner's PID (and its start time, so a
// recycled PID is not mistaken for the owner). A lock whose owner is dead is taken over.
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';

interface Holder {
  pid: number;
  start?: string;
  host: string;
  at: string;
}

export class LockHeldError extends Error {
  readonly pid: number;
  constructor(file: string, holder: Holder) {
    super(
      `another runbook installer (PID ${holder.pid}, started ${holder.at}) is working on this site; ` +
        `wait for it to finish or stop it, then run again (lock file: ${file})`,
    );
    this.name = 'LockHeldError';
    this.pid = holder.pid;
  }
}

function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function alive(holder: Holder): boolean {
  if (holder.host !== hostname()) return true; // cannot tell: assume it runs
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const start = processStart(holder.pid);
  return !(holder.start && start && start !== holder.start);
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
    start: processStart(process.pid),
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
      if (holder && alive(holder)) throw new LockHeldError(file, holder);
      // Stale: move it aside, and put it back if what we moved was someone else's fresh lock.
      const aside = `${file}.${process.pid}.stale`;
      try {
        renameSync(file, aside);
      } catch {
        continue;
      }
      const moved = readHolder(aside);
      if (moved && alive(moved)) {
        try {
          linkSync(aside, file);
        } catch {
          // someone else holds it now; the next attempt will say who
        }
      }
      unlinkSync(aside);
    }
    throw new Error(`could not take the lock ${file}: it keeps changing hands`);
  } finally {
    unlinkSync(temp);
  }
}

/** The live installer holding the lock, if any (for `runbook status`). */
export function runningInstaller(file: string): { pid: number; at: string } | undefined {
  const holder = readHolder(file);
  return holder && alive(holder) ? { pid: holder.pid, at: holder.at } : undefined;
}
