// A serial line (ttyS0, IPMI Serial-over-LAN) has no size: the kernel reports 0 rows and 0
// columns, and Ink then lays every row out at width 0, so a title and the step counter on its
// right run together ("Install this machineStep 1 of 6"). Serial terminals are at least 80x24,
// so a sizeless terminal is told it is that. It has to happen here, in the program that holds
// the terminal open: the kernel forgets a size set by an earlier process (a unit's
// ExecStartPre) as soon as that process closes the line and nothing else has it open.
import { spawnSync } from 'node:child_process';

export const SERIAL_SIZE = { columns: 80, rows: 24 } as const;

/** Give a terminal that reports no size 80x24, in the kernel and on the stream. Returns whether it did. */
export function sizeSizelessTerminal(stdout: NodeJS.WriteStream = process.stdout): boolean {
  if (!stdout.isTTY || (stdout.columns > 0 && stdout.rows > 0)) return false;
  // stty on our own terminal, so programs the installer starts see the same size; when stty
  // cannot (not installed), the stream's own figures are still what Ink reads.
  const fd = (stdout as NodeJS.WriteStream & { fd?: number }).fd;
  if (fd !== undefined)
    spawnSync('stty', ['rows', String(SERIAL_SIZE.rows), 'cols', String(SERIAL_SIZE.columns)], {
      stdio: [fd, 'ignore', 'ignore'],
    });
  stdout.columns = SERIAL_SIZE.columns;
  stdout.rows = SERIAL_SIZE.rows;
  return true;
}
