// Boot loader configuration of the hybrid ISO: isolinux for BIOS (also from a USB stick, through
// isohybrid's MBR) and a standalone GRUB for UEFI, both starting the same installer kernel with
// the same command line. Both also talk on the first serial port, so headless machines and the
// boot tests see the menu.
export const KERNEL = '/install/vmlinuz';
export const INITRD = '/install/initrd.gz';
/** Kernel parameters of the installer; what follows `---` is also kept for the installed system. */
export const INSTALLER_APPEND = '--- quiet';
/** A file only this ISO has, for GRUB's `search` to find the ISO's filesystem. */
export const ISO_MARKER = '/.disk/cloudstack-runbook';
export const MENU_TITLE = 'Install Debian 12 for CloudStack (erases the disk)';

export function isolinuxCfg(): string {
  return [
    'serial 0 115200',
    'say CloudStack Runbook installer: Debian 12, unattended, for the CloudStack Runbook.',
    "say It ERASES the machine's disk. Starting in 10 seconds; press Ctrl-Alt-Del to stop.",
    'default install',
    'prompt 1',
    'timeout 100',
    'label install',
    `  kernel ${KERNEL}`,
    `  append initrd=${INITRD} ${INSTALLER_APPEND}`,
    '',
  ].join('\n');
}

export function grubCfg(): string {
  return [
    'serial --unit=0 --speed=115200',
    'terminal_input console serial',
    'terminal_output console serial',
    'set timeout=10',
    'set default=0',
    `menuentry "${MENU_TITLE}" {`,
    `  linux ${KERNEL} ${INSTALLER_APPEND}`,
    `  initrd ${INITRD}`,
    '}',
    '',
  ].join('\n');
}

/** Embedded in the UEFI GRUB image: find the ISO's filesystem, then read its grub.cfg. */
export function grubEmbeddedCfg(): string {
  return [
    `search --no-floppy --set=root --file ${ISO_MARKER}`,
    'set prefix=($root)/boot/grub',
    'configfile ($root)/boot/grub/grub.cfg',
    '',
  ].join('\n');
}
