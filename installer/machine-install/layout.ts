// The disk layout the runbook expects, as a plan: GPT with a BIOS boot partition (GRUB's core
// image on BIOS machines), an EFI system partition (shim and GRUB on UEFI machines), so one disk
// boots either way, and the rest as one LVM physical volume. In the volume group: root, swap,
// and on the management server (all-in-one too) a separate volume for NFS primary storage at
// storage.primary. Pure: the engine turns the plan into sgdisk and LVM commands.
import type { MachineRole } from '../../src/plan/model.ts';
import { isManagement } from './machines.ts';

export const MiB = 2 ** 20;
export const GiB = 2 ** 30;
export const VOLUME_GROUP = 'vg0';

const BIOS_BOOT = 1 * MiB;
const ESP = 512 * MiB;
/** What GPT and alignment take: 1 MiB in front, the backup table at the end. */
const GPT_OVERHEAD = 2 * MiB;
/** LVM metadata and extent rounding. */
const LVM_OVERHEAD = 8 * MiB;
const SWAP = 2 * GiB;
const ROOT_MIN = 16 * GiB;
const ROOT_MAX = 64 * GiB;
const PRIMARY_MIN = 8 * GiB;

export interface Partition {
  number: number;
  label: string;
  /** sgdisk type code. */
  type: 'EF02' | 'EF00' | '8E00';
  /** undefined: the rest of the disk. */
  bytes?: number;
}

export interface Volume {
  name: string;
  bytes: number;
  /** Takes what is left of the volume group. */
  rest?: boolean;
  filesystem: 'ext4' | 'swap';
  mount?: string;
}

export interface Layout {
  partitions: Partition[];
  volumeGroup: string;
  volumes: Volume[];
}

export function minimumDiskBytes(role: MachineRole): number {
  const fixed = GPT_OVERHEAD + BIOS_BOOT + ESP + LVM_OVERHEAD + SWAP + ROOT_MIN;
  return fixed + (isManagement(role) ? PRIMARY_MIN : 0);
}

/** Partition device of a disk: /dev/sda + 1 → /dev/sda1, /dev/nvme0n1 + 1 → /dev/nvme0n1p1. */
export function partitionPath(disk: string, number: number): string {
  return /\d$/.test(disk) ? `${disk}p${number}` : `${disk}${number}`;
}

export function planLayout(diskBytes: number, role: MachineRole, primaryMount: string): Layout {
  if (diskBytes < minimumDiskBytes(role))
    throw new Error(
      `a ${role} machine needs a disk of at least ${minimumDiskBytes(role)} bytes, not ${diskBytes}`,
    );
  const partitions: Partition[] = [
    { number: 1, label: 'bios-boot', type: 'EF02', bytes: BIOS_BOOT },
    { number: 2, label: 'esp', type: 'EF00', bytes: ESP },
    { number: 3, label: 'lvm', type: '8E00' },
  ];
  const group = diskBytes - GPT_OVERHEAD - BIOS_BOOT - ESP - LVM_OVERHEAD;
  const swap: Volume = { name: 'swap', bytes: SWAP, filesystem: 'swap' };
  if (!isManagement(role)) {
    // A KVM host keeps its guests' disks on NFS primary storage: root takes the rest.
    return {
      partitions,
      volumeGroup: VOLUME_GROUP,
      volumes: [
        swap,
        { name: 'root', bytes: group - SWAP, rest: true, filesystem: 'ext4', mount: '/' },
      ],
    };
  }
  // Root holds the system, the database and secondary storage (templates): 40% of the rest,
  // between 16 and 64 GiB, in whole GiB; primary storage (guests' disks) gets the remainder.
  const root = Math.min(
    ROOT_MAX,
    Math.max(ROOT_MIN, Math.floor(((group - SWAP) * 0.4) / GiB) * GiB),
  );
  return {
    partitions,
    volumeGroup: VOLUME_GROUP,
    volumes: [
      { name: 'root', bytes: root, filesystem: 'ext4', mount: '/' },
      swap,
      {
        name: 'primary',
        bytes: group - SWAP - root,
        rest: true,
        filesystem: 'ext4',
        mount: primaryMount,
      },
    ],
  };
}

/** sgdisk's arguments that write the partition table (after --zap-all). */
export function sgdiskArgs(layout: Layout, disk: string): string[] {
  const args: string[] = [];
  for (const p of layout.partitions) {
    const size = p.bytes === undefined ? '0' : `+${Math.round(p.bytes / MiB)}M`;
    args.push(
      '-n',
      `${p.number}:${p.number === 1 ? '2048' : '0'}:${size}`,
      '-t',
      `${p.number}:${p.type}`,
      '-c',
      `${p.number}:${p.label}`,
    );
  }
  return [...args, disk];
}
