// The hybrid ISO from the stages' outputs, with xorriso: GRUB's El Torito image for BIOS (and
// its hybrid MBR, so the same file boots from a USB stick), and an EFI system partition
// appended to the image (GPT) holding Debian's signed shim and GRUB, which UEFI firmware boots
// from a disc through the El Torito catalog and from a stick through the partition. The big
// files are grafted from the cache, not copied.
import { execa } from 'execa';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { grubCfg, type GrubMenu } from '../../installer/machine-install/boot-menu.ts';

export const VOLUME_ID = 'CSRUNBOOK';

export interface IsoContent {
  /** ISO path (no leading slash) → file on this machine. */
  grafts: Record<string, string>;
  /** GRUB's BIOS pieces and the signed UEFI binaries (appliance/iso/live-layer.ts). */
  boot: string;
  menu: GrubMenu;
  /** Small files written into the ISO: path → text. */
  texts: Record<string, string>;
}

/** A FAT image just large enough for the UEFI binaries: the ESP the firmware reads. */
export async function makeEfiImage(efiDir: string, out: string): Promise<void> {
  const files = readdirSync(efiDir);
  const bytes = files.reduce((sum, f) => sum + statSync(path.join(efiDir, f)).size, 0);
  const kib = Math.ceil((bytes * 1.1) / 1024 / 1024 + 1) * 1024;
  await execa('mkfs.vfat', ['-C', '-n', 'EFIBOOT', out, String(kib)], { stdio: 'ignore' });
  await execa('mmd', ['-i', out, '::/EFI', '::/EFI/BOOT']);
  for (const f of files)
    await execa('mcopy', ['-i', out, path.join(efiDir, f), `::/EFI/BOOT/${f}`]);
}

export async function writeIso(content: IsoContent, work: string, out: string): Promise<void> {
  const tree = path.join(work, 'tree');
  mkdirSync(path.join(tree, 'boot/grub'), { recursive: true });
  writeFileSync(path.join(tree, 'boot/grub/grub.cfg'), grubCfg(content.menu));
  for (const [inside, text] of Object.entries(content.texts)) {
    mkdirSync(path.dirname(path.join(tree, inside)), { recursive: true });
    writeFileSync(path.join(tree, inside), text);
  }
  const efiImage = path.join(work, 'efi.img');
  await makeEfiImage(path.join(content.boot, 'efi'), efiImage);
  const grafts = {
    ...content.grafts,
    'boot/grub/i386-pc': path.join(content.boot, 'i386-pc'),
    'boot/grub/i386-pc/eltorito.img': path.join(content.boot, 'eltorito.img'),
  };
  // prettier-ignore
  await execa('xorriso', [
    '-as', 'mkisofs',
    '-quiet',
    '-r', '-J', '-joliet-long',
    '-V', VOLUME_ID,
    '-o', out,
    // BIOS from a stick: GRUB's hybrid MBR, pointing at the El Torito image (--grub2-boot-info).
    '--grub2-mbr', path.join(content.boot, 'boot_hybrid.img'),
    '-partition_offset', '16',
    '--mbr-force-bootable',
    // UEFI: the ESP, appended as a GPT partition and named in the El Torito catalog too.
    '-append_partition', '2', '0xef', efiImage,
    '-appended_part_as_gpt',
    '-c', 'boot/boot.cat',
    '-b', 'boot/grub/i386-pc/eltorito.img', '-no-emul-boot', '-boot-load-size', '4', '-boot-info-table', '--grub2-boot-info',
    '-eltorito-alt-boot',
    '-e', '--interval:appended_partition_2:all::', '-no-emul-boot',
    '-graft-points',
    tree,
    ...Object.entries(grafts).map(([inside, from]) => `/${inside}=${from}`),
  ]);
}
