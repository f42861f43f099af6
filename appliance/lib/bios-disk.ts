// A BIOS-bootable disk from an ext4 filesystem image, without grub-install (which needs a
// partition device node; containers have none): an MBR partition table with one partition at
// 1 MiB, the filesystem copied into it, GRUB's boot.img in the MBR and a core.img (made by the
// image's own grub-mkimage, so it matches the image's modules) in the gap before the partition.
// The first boot of the machine runs a real grub-install on its own disk.
import { execa } from 'execa';
import { openSync, readFileSync, closeSync, writeSync, statSync } from 'node:fs';

const SECTOR = 512;
export const PARTITION_START_SECTOR = 2048; // 1 MiB, the usual alignment
/** The MBR's boot code area: the partition table after it must stay intact. */
const MBR_CODE_BYTES = 440;

export interface BiosDiskInput {
  filesystem: string;
  /** GRUB's boot.img and a core.img whose prefix is (hd0,msdos1)/boot/grub. */
  bootImg: string;
  coreImg: string;
  out: string;
}

export async function writeBiosDisk(input: BiosDiskInput): Promise<void> {
  const fsBytes = statSync(input.filesystem).size;
  const core = readFileSync(input.coreImg);
  if (core.length > (PARTITION_START_SECTOR - 1) * SECTOR)
    throw new Error(
      `core.img is ${core.length} bytes: too large for the gap before the first partition`,
    );
  const boot = readFileSync(input.bootImg);
  if (boot.length !== SECTOR) throw new Error(`${input.bootImg} is not a 512-byte boot sector`);

  await execa('truncate', ['-s', String(PARTITION_START_SECTOR * SECTOR + fsBytes), input.out]);
  await execa('sfdisk', ['--quiet', input.out], {
    input: `label: dos\nstart=${PARTITION_START_SECTOR}, type=83, bootable\n`,
  });
  await execa('dd', [
    `if=${input.filesystem}`,
    `of=${input.out}`,
    'bs=4M',
    `seek=${PARTITION_START_SECTOR * SECTOR}`,
    'oflag=seek_bytes',
    'conv=notrunc,sparse',
    'status=none',
  ]);
  const fd = openSync(input.out, 'r+');
  try {
    writeSync(fd, boot, 0, MBR_CODE_BYTES, 0);
    writeSync(fd, core, 0, core.length, SECTOR);
  } finally {
    closeSync(fd);
  }
}
