// Stage "disk": the provisioned lab machine's filesystem → the appliance's bootable disk.
// Shrunk to its contents plus room to boot, customized in a chroot, placed in an MBR partition
// with GRUB's boot code, and given a larger virtual size that the first boot grows into.
import { execa } from 'execa';
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { writeBiosDisk } from '../lib/bios-disk.ts';
import { withMountedImage } from '../lib/mount.ts';
import { customizeAppliance } from './customize.ts';

const HEADROOM_BYTES = 2 * 1024 ** 3; // free space before the first boot grows the disk

export interface DiskResult {
  disk: string;
  uuid: string;
  packages: string;
  filesystemBytes: number;
}

async function e2fsck(image: string): Promise<void> {
  const result = await execa('e2fsck', ['-f', '-y', image], { reject: false });
  // 0: clean, 1: errors corrected (a powered-off guest's journal replayed).
  if ((result.exitCode ?? 8) > 1)
    throw new Error(
      `e2fsck ${image} failed (exit ${result.exitCode}):\n${String(result.stdout).slice(-1500)}`,
    );
}

async function blockCount(image: string): Promise<{ blocks: number; blockSize: number }> {
  const out = String((await execa('dumpe2fs', ['-h', image], { stderr: 'ignore' })).stdout);
  const blocks = Number(/^Block count:\s+(\d+)/m.exec(out)?.[1]);
  const blockSize = Number(/^Block size:\s+(\d+)/m.exec(out)?.[1]);
  return { blocks, blockSize };
}

export async function buildApplianceDisk(input: {
  rootQcow2: string;
  siteDir: string;
  work: string;
  virtualSize: string;
  log: (l: string) => void;
}): Promise<DiskResult> {
  const { work, log } = input;
  const fs = path.join(work, 'root.ext4');
  log('disk: unpacking the provisioned filesystem');
  await execa('qemu-img', ['convert', '-f', 'qcow2', '-O', 'raw', input.rootQcow2, fs]);
  await e2fsck(fs);
  const uuid = String((await execa('blkid', ['-s', 'UUID', '-o', 'value', fs])).stdout).trim();
  if (!uuid) throw new Error(`no filesystem UUID on ${fs}`);

  const customized = await withMountedImage(fs, path.join(work, 'mnt'), (image) =>
    customizeAppliance({ image, uuid, siteDir: input.siteDir, log }),
  );
  await e2fsck(fs);

  log('disk: shrinking the filesystem to its contents plus headroom');
  await execa('resize2fs', ['-M', fs]);
  const min = await blockCount(fs);
  const target = min.blocks + Math.ceil(HEADROOM_BYTES / min.blockSize);
  await execa('resize2fs', [fs, String(target)]);
  const fsBytes = target * min.blockSize;
  await execa('truncate', ['-s', String(fsBytes), fs]);

  log('disk: partition table, GRUB boot code, filesystem');
  const mntCore = path.join(work, 'core');
  const raw = path.join(work, 'disk.raw');
  // The image's own boot.img and core.img (made in the chroot), extracted without mounting again.
  await execa('debugfs', ['-R', `dump /boot/grub/i386-pc/core.img ${mntCore}.img`, fs]);
  await execa('debugfs', ['-R', `dump /usr/lib/grub/i386-pc/boot.img ${mntCore}-boot.img`, fs]);
  await writeBiosDisk({
    filesystem: fs,
    bootImg: `${mntCore}-boot.img`,
    coreImg: `${mntCore}.img`,
    out: raw,
  });
  rmSync(fs);
  const disk = path.join(work, 'disk.qcow2');
  await execa('qemu-img', ['convert', '-f', 'raw', '-O', 'qcow2', '-c', raw, disk]);
  rmSync(raw);
  await execa('qemu-img', ['resize', '-q', disk, input.virtualSize]);
  for (const leftover of readdirSync(work).filter((f) => f.startsWith('core')))
    rmSync(path.join(work, leftover), { force: true });
  return { disk, uuid, packages: customized.packages, filesystemBytes: fsBytes };
}
