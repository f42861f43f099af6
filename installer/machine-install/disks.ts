// The disks the installer may erase: what lsblk reports, minus the medium the installer booted
// from (and the stick carrying the answer file), read-only and virtual devices, and disks too
// small for the runbook's layout. Pure functions over lsblk's JSON, so the rules are tested
// without touching a real disk.
import type { Problem } from '../../src/diagnostics.ts';
import type { MachineRole } from '../../src/plan/model.ts';
import { t } from '../../src/i18n/translate.ts';
import { minimumDiskBytes } from './layout.ts';

export interface Disk {
  name: string;
  path: string;
  bytes: number;
  model: string;
  serial: string;
  transport: string;
  removable: boolean;
  readOnly: boolean;
  type: string;
}

/** The lsblk call whose output parseLsblk reads (whole disks only, sizes in bytes). */
export const LSBLK_ARGS = ['-J', '-b', '-d', '-o', 'NAME,PATH,SIZE,MODEL,SERIAL,TYPE,TRAN,RM,RO'];

interface LsblkDevice {
  name?: string;
  path?: string;
  size?: number | string | null;
  model?: string | null;
  serial?: string | null;
  type?: string | null;
  tran?: string | null;
  rm?: boolean | string | number | null;
  ro?: boolean | string | number | null;
}

const flag = (v: LsblkDevice['rm']) => v === true || v === 1 || v === '1' || v === 'true';

export function parseLsblk(json: string): Disk[] {
  const devices = (JSON.parse(json) as { blockdevices?: LsblkDevice[] }).blockdevices ?? [];
  return devices.map((d) => ({
    name: d.name ?? '',
    path: d.path ?? `/dev/${d.name ?? ''}`,
    bytes: Number(d.size ?? 0),
    model: (d.model ?? '').trim(),
    serial: (d.serial ?? '').trim(),
    transport: d.tran ?? '',
    removable: flag(d.rm),
    readOnly: flag(d.ro),
    type: d.type ?? '',
  }));
}

export function humanSize(bytes: number): string {
  const gb = bytes / 1e9;
  return gb >= 1000
    ? `${(gb / 1000).toFixed(1)} TB`
    : `${gb >= 100 ? gb.toFixed(0) : gb.toFixed(1)} GB`;
}

/** "/dev/vda, 42.9 GB, QEMU HARDDISK": how every screen and message names a disk. */
export function describeDisk(disk: Disk): string {
  return [disk.path, humanSize(disk.bytes), disk.model || disk.transport]
    .filter(Boolean)
    .join(', ');
}

export interface DiskVerdict {
  disk: Disk;
  /** Why it may not be used; undefined: it may. */
  refused?: string;
}

/**
 * Each disk with the reason it may not be erased, if any. `protectedDisks` are the names of
 * disks holding the installer's own medium or the answer file (`sr0`, `sdb`).
 */
export function judgeDisks(
  disks: Disk[],
  protectedDisks: string[],
  role: MachineRole,
): DiskVerdict[] {
  const minimum = minimumDiskBytes(role);
  return disks
    .filter((d) => d.type === 'disk' && !/^(loop|ram|zram|sr|fd)/.test(d.name))
    .map((disk) => {
      if (protectedDisks.includes(disk.name))
        return { disk, refused: t('the installer runs from this disk') };
      if (disk.readOnly) return { disk, refused: t('it is read-only') };
      if (disk.bytes < minimum)
        return {
          disk,
          refused: t('too small: the {role} layout needs {size}', {
            role,
            size: humanSize(minimum),
          }),
        };
      return { disk };
    });
}

/**
 * The disk an answer file names (`auto`: the only disk that may be used). `wanted` is already
 * resolved to a device name (a /dev/disk/by-id link followed). Returns the disk or a problem.
 */
export function chooseAnswerDisk(
  wanted: string,
  verdicts: DiskVerdict[],
  where: { file: string; line: number },
): { disk: Disk } | { problem: Problem } {
  const list =
    verdicts
      .map((v) => `${describeDisk(v.disk)}${v.refused ? ` (${v.refused})` : ''}`)
      .join('; ') || 'none';
  const problem = (message: string, fix: string): { problem: Problem } => ({
    problem: { ...where, field: 'disk', message, fix },
  });
  if (wanted === 'auto') {
    const usable = verdicts.filter((v) => !v.refused);
    if (usable.length === 1) return { disk: usable[0]!.disk };
    if (usable.length === 0)
      return problem(
        `no disk of this machine can be used (${list})`,
        'add a disk large enough for the layout, or check the firmware sees it',
      );
    return problem(
      `"auto" fits ${usable.length} disks (${list})`,
      'name the one to erase, e.g. disk: /dev/disk/by-id/...',
    );
  }
  const name = wanted.replace(/^\/dev\//, '');
  const verdict = verdicts.find((v) => v.disk.name === name);
  if (!verdict)
    return problem(
      `${wanted} is not a disk of this machine (it has: ${list})`,
      'name one of the disks listed, or write auto',
    );
  if (verdict.refused)
    return problem(
      `${describeDisk(verdict.disk)} cannot be used: ${verdict.refused}`,
      'name another disk, or write auto',
    );
  return { disk: verdict.disk };
}
