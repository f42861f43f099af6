// CPU time the fake hosts spend (their sshd and everything it starts), read from a cpuacct
// cgroup the sshd processes are moved into. On this machine the 32 "hosts" are processes on
// the installer's own cores, so the work each step costs a host adds up across hosts; this
// meter shows how much, which a wall-clock ratio alone cannot.
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOTS = ['/sys/fs/cgroup/cpuacct', '/sys/fs/cgroup/cpu,cpuacct'];

export interface HostCpuMeter {
  /** Nanoseconds of CPU used by everything in the group so far. */
  usageNs(): number;
  close(): void;
}

/**
 * A cgroup holding the given processes (children started later join it by inheritance), or
 * undefined with the reason when this machine offers no writable cpuacct hierarchy (cgroup v2
 * only, or not root): the bench then prints "not measured" rather than a guess.
 */
export function hostCpuMeter(pids: number[]): HostCpuMeter | { unavailable: string } {
  const root = ROOTS.find((r) => existsSync(join(r, 'cpuacct.usage')));
  if (!root) return { unavailable: 'no cgroup v1 cpuacct hierarchy on this machine' };
  const dir = join(root, `rb-bench-hosts-${process.pid}`);
  try {
    mkdirSync(dir);
    for (const pid of pids) writeFileSync(join(dir, 'cgroup.procs'), `${pid}\n`);
  } catch (error) {
    return { unavailable: `cannot use ${dir}: ${(error as Error).message}` };
  }
  return {
    usageNs: () => Number(readFileSync(join(dir, 'cpuacct.usage'), 'utf8').trim()),
    close: () => {
      // Processes must leave before the group can go (the sshds are being killed anyway); one
      // that exits meanwhile cannot be moved, and an empty group left behind holds nothing.
      try {
        for (const pid of readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean))
          writeFileSync(join(root, 'cgroup.procs'), `${pid}\n`);
        rmdirSync(dir);
      } catch {
        /* left for the administrator */
      }
    },
  };
}
