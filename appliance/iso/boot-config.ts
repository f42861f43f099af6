// GRUB's BIOS core image for the ISO: the modules it carries and its embedded config, which
// finds the ISO's own file system and then reads /boot/grub/grub.cfg (the menu,
// installer/machine-install/boot-menu.ts). UEFI uses Debian's signed GRUB as it is.
import { ISO_MARKER } from '../../installer/machine-install/live-paths.ts';

/** Built into GRUB's BIOS core image (no module can be missing before the ISO is found). */
export const BIOS_CORE_MODULES = [
  'biosdisk',
  'iso9660',
  'part_msdos',
  'part_gpt',
  'fat',
  'ext2',
  'lvm',
  'normal',
  'configfile',
  'linux',
  'search',
  'search_fs_file',
  'search_fs_uuid',
  'search_label',
  'regexp',
  'test',
  'echo',
  'serial',
  'terminal',
  'chain',
  'sleep',
  'gzio',
  'halt',
  'reboot',
];

/** The BIOS core image's embedded config: find this ISO's file system, then read its grub.cfg. */
export function biosEmbeddedCfg(): string {
  return [
    `search --no-floppy --set=root --file /${ISO_MARKER}`,
    'set prefix=($root)/boot/grub',
    '',
  ].join('\n');
}
