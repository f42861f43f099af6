// Removing a build directory that an interrupted build may have left with mounts inside: a
// chroot's bind-mounted /dev (the build machine's own) or /proc. A plain recursive delete would
// walk into them and delete the build machine's device nodes, so whatever is mounted under the
// directory is unmounted first (deepest first), and the delete is refused if anything stays.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

/** Mount points at or under `dir`, deepest first (from /proc/self/mounts, octal escapes undone). */
export function mountsUnder(
  dir: string,
  mounts = readFileSync('/proc/self/mounts', 'utf8'),
): string[] {
  const root = path.resolve(dir);
  return mounts
    .split('\n')
    .map((line) => line.split(' ')[1])
    .filter((p): p is string => Boolean(p))
    .map((p) =>
      p.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8))),
    )
    .filter((p) => p === root || p.startsWith(`${root}/`))
    .sort((a, b) => b.length - a.length);
}

export function removeTree(dir: string): void {
  for (const target of mountsUnder(dir)) {
    try {
      execFileSync('umount', ['-l', target], { stdio: 'ignore' });
    } catch {
      // checked below
    }
  }
  const left = mountsUnder(dir);
  if (left.length > 0)
    throw new Error(
      `${dir} still has file systems mounted in it (${left.join(', ')}): unmount them, then build again`,
    );
  rmSync(dir, { recursive: true, force: true });
}
