// The preseed that makes debian-installer run unattended. It answers every question except one:
// netcfg/get_ipaddress, this machine's static address, asked on the console. The disk layout is
// the runbook's: GPT with BIOS-boot and EFI partitions (so the same disk boots either way),
// /boot, and LVM holding root, swap and a separate logical volume for primary storage at
// /export/primary.
import type { IsoConfig } from './config.ts';

/** Files the installer's initrd carries next to preseed.cfg (see build-iso.ts). */
export const INITRD_FILES = {
  bundle: '/cloudstack-runbook.tar.gz',
  late: '/cloudstack-runbook-late.sh',
  keys: '/cloudstack-runbook-authorized_keys',
  target: '/cloudstack-runbook-target.tar',
} as const;

// partman's recipe format: size min, priority, max, filesystem, then options. Sizes in MB.
const RECIPE = [
  'runbook ::',
  '1 1 1 free $bios_boot{ } method{ biosgrub } .',
  '538 538 1075 free $iflabel{ gpt } $reusemethod{ } method{ efi } format{ } .',
  '1024 1024 1024 ext4 $primary{ } $bootable{ } method{ format } format{ } use_filesystem{ } filesystem{ ext4 } mountpoint{ /boot } .',
  '16384 16384 20480 ext4 $lvmok{ } lv_name{ root } method{ format } format{ } use_filesystem{ } filesystem{ ext4 } mountpoint{ / } .',
  '2048 2048 2048 linux-swap $lvmok{ } lv_name{ swap } method{ swap } format{ } .',
  '8192 10000 -1 ext4 $lvmok{ } lv_name{ primary } method{ format } format{ } use_filesystem{ } filesystem{ ext4 } mountpoint{ /export/primary } .',
].join(' ');

/** `rootPasswordHash`: a crypt(3) hash of a throwaway password (locked again by the late command). */
export function preseed(config: IsoConfig, rootPasswordHash: string): string {
  const d = (question: string, type: string, value: string) => `d-i ${question} ${type} ${value}`;
  return [
    '# Written by appliance/build-iso.ts from the ISO config file. Unattended but for one question:',
    "# netcfg/get_ipaddress (this machine's static address), asked on the console.",
    d('debian-installer/locale', 'string', 'en_US.UTF-8'),
    d('keyboard-configuration/xkb-keymap', 'select', 'us'),
    d('hw-detect/load_firmware', 'boolean', 'false'),
    '',
    '# Network: static, everything but the address preseeded.',
    d('netcfg/choose_interface', 'select', 'auto'),
    d('netcfg/disable_autoconfig', 'boolean', 'true'),
    d('netcfg/get_netmask', 'string', config.network.netmask),
    d('netcfg/get_gateway', 'string', config.network.gateway),
    d('netcfg/get_nameservers', 'string', config.network.dns.join(' ')),
    d('netcfg/confirm_static', 'boolean', 'true'),
    d('netcfg/get_hostname', 'string', config.hostname),
    d('netcfg/hostname', 'string', config.hostname),
    d('netcfg/get_domain', 'string', config.domain),
    d('netcfg/wireless_wep', 'string', ''),
    '',
    "# Debian's archive over http (a proxy, when one is needed, comes from the boot command line).",
    d('mirror/country', 'string', 'manual'),
    d('mirror/http/hostname', 'string', config.mirror),
    d('mirror/http/directory', 'string', '/debian'),
    d('mirror/http/proxy', 'string', ''),
    d('mirror/suite', 'string', 'bookworm'),
    d('apt-setup/services-select', 'multiselect', 'security, updates'),
    d('apt-setup/security_host', 'string', config.mirror),
    d('apt-setup/non-free-firmware', 'boolean', 'false'),
    d('apt-setup/contrib', 'boolean', 'false'),
    d('apt-setup/cdrom/set-first', 'boolean', 'false'),
    '',
    '# Accounts: root only, logging in by SSH key (the password is locked after the install).',
    d('passwd/root-login', 'boolean', 'true'),
    d('passwd/make-user', 'boolean', 'false'),
    d('passwd/root-password-crypted', 'password', rootPasswordHash),
    '',
    '# Clock.',
    d('clock-setup/utc', 'boolean', 'true'),
    d('time/zone', 'string', config.timezone),
    d('clock-setup/ntp', 'boolean', 'false'),
    '',
    "# Disk: the runbook's layout on the only disk, whatever was on it.",
    d('partman-auto/method', 'string', 'lvm'),
    d('partman-auto-lvm/new_vg_name', 'string', 'vg0'),
    d('partman-auto-lvm/guided_size', 'string', 'max'),
    d('partman-lvm/device_remove_lvm', 'boolean', 'true'),
    d('partman-md/device_remove_md', 'boolean', 'true'),
    d('partman-lvm/confirm', 'boolean', 'true'),
    d('partman-lvm/confirm_nooverwrite', 'boolean', 'true'),
    d('partman-partitioning/default_label', 'string', 'gpt'),
    d('partman-partitioning/choose_label', 'select', 'gpt'),
    d('partman-partitioning/confirm_write_new_label', 'boolean', 'true'),
    d('partman-efi/non_efi_system', 'boolean', 'true'),
    d('partman-auto/choose_recipe', 'select', 'runbook'),
    d('partman-auto/expert_recipe', 'string', RECIPE),
    d('partman-basicfilesystems/no_mount_point', 'boolean', 'false'),
    d('partman/choose_partition', 'select', 'finish'),
    d('partman/confirm', 'boolean', 'true'),
    d('partman/confirm_nooverwrite', 'boolean', 'true'),
    '',
    '# Packages: a minimal system with SSH; the runbook installs the rest.',
    d('base-installer/install-recommends', 'boolean', 'false'),
    d('base-installer/kernel/image', 'string', 'linux-image-amd64'),
    'tasksel tasksel/first multiselect ssh-server',
    d('pkgsel/include', 'string', 'openssh-server ca-certificates curl lvm2 cloud-guest-utils'),
    d('pkgsel/upgrade', 'select', 'none'),
    d('pkgsel/update-policy', 'select', 'none'),
    'popularity-contest popularity-contest/participate boolean false',
    '',
    '# Boot loader: GRUB for whichever firmware booted the installer, also at the removable path.',
    d('grub-installer/only_debian', 'boolean', 'true'),
    d('grub-installer/with_other_os', 'boolean', 'false'),
    d('grub-installer/bootdev', 'string', 'default'),
    d('grub-installer/force-efi-extra-removable', 'boolean', 'true'),
    '',
    '# The installer (this project) and its first-boot wizard, then power off: take the ISO out',
    '# before switching on again, or it would install once more.',
    d('preseed/late_command', 'string', `sh ${INITRD_FILES.late}`),
    d('finish-install/reboot_in_progress', 'note', ''),
    d('debian-installer/exit/poweroff', 'boolean', 'true'),
    '',
  ].join('\n');
}

/** Run by d-i at the end (preseed/late_command), outside the target; /target is the new system. */
export function lateScript(): string {
  return `#!/bin/sh
# CloudStack Runbook: finish the installed system (run by debian-installer's late_command).
set -e
tar -xzf ${INITRD_FILES.bundle} -C /target
tar -xf ${INITRD_FILES.target} -C /target
mkdir -p /target/root/.ssh /target/var/lib/cloudstack-runbook /target/etc/cloudstack-runbook
chmod 0700 /target/root/.ssh /target/etc/cloudstack-runbook
if [ -s ${INITRD_FILES.keys} ]; then
  cp ${INITRD_FILES.keys} /target/root/.ssh/authorized_keys
  chmod 0600 /target/root/.ssh/authorized_keys
fi
in-target passwd -l root
in-target systemctl enable cloudstack-runbook-wizard.service cloudstack-runbook-ready.service
`;
}
