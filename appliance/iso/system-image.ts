// The prepared system: a Debian 12 root file system made with mmdebstrap from Debian's archive,
// squashed into 10-system.squashfs. The live installer boots from it (with the live layer on
// top) and unpacks the same file onto each machine's disk, so what a machine runs is exactly
// what was built here; nothing is downloaded at install time.
import { execa } from 'execa';
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { makeSquashfs } from '../lib/chroot.ts';
import { readPackageSections } from '../lib/package-list.ts';
import { DPKG_QUERY_FORMAT, parsePackageList } from '../lib/report.ts';
import { stage } from '../lib/stages.ts';
import { SYSTEM_SQUASHFS } from '../../installer/machine-install/live-paths.ts';
import type { StageResult } from '../lib/stages.ts';

export const DEBIAN_MIRROR = 'http://deb.debian.org/debian';
export const DEBIAN_SECURITY = 'http://deb.debian.org/debian-security';
export const SUITE = 'bookworm';
export const SYSTEM_PACKAGES = path.join(import.meta.dirname, 'system-packages.txt');

export function debianSources(): string[] {
  return [
    `deb ${DEBIAN_MIRROR} ${SUITE} main`,
    `deb ${DEBIAN_MIRROR} ${SUITE}-updates main`,
    `deb ${DEBIAN_SECURITY} ${SUITE}-security main`,
  ];
}

export function systemPackages(): { system: string[]; live: string[] } {
  return readPackageSections(SYSTEM_PACKAGES, ['system', 'live'] as const);
}

// Hooks run by mmdebstrap with the new root as $1. Everything machine-specific (host keys,
// machine id, host name, network, fstab) is left out: the installer writes it per machine.
const SETUP_HOOKS = [
  // No hibernation on these servers: initramfs-tools must not wait for a resume device.
  'mkdir -p "$1/etc/initramfs-tools/conf.d" && echo RESUME=none > "$1/etc/initramfs-tools/conf.d/resume"',
];
const CUSTOMIZE_HOOKS = [
  'rm -f "$1"/etc/ssh/ssh_host_*',
  ': > "$1/etc/machine-id"',
  'rm -f "$1/var/lib/dbus/machine-id"',
  'passwd --root "$1" -l root',
  'printf "auto lo\\niface lo inet loopback\\n" > "$1/etc/network/interfaces"',
  'echo localhost > "$1/etc/hostname"',
  // Root logs in with a key only, whatever sshd's defaults become.
  'printf "PermitRootLogin prohibit-password\\nPasswordAuthentication no\\nKbdInteractiveAuthentication no\\n" > "$1/etc/ssh/sshd_config.d/10-cloudstack-runbook.conf"',
];

export interface SystemImage {
  squashfs: string;
  kernel: string;
  packages: { name: string; version: string; arch: string }[];
}

export function buildSystemImage(log: (line: string) => void): Promise<StageResult<SystemImage>> {
  const packages = systemPackages().system;
  const args = [
    '--mode=root',
    '--variant=minbase',
    '--format=directory',
    `--include=${packages.join(',')}`,
    '--skip=output/dev',
    ...SETUP_HOOKS.map((hook) => `--setup-hook=${hook}`),
    ...CUSTOMIZE_HOOKS.map((hook) => `--customize-hook=${hook}`),
    SUITE,
  ];
  return stage(
    'iso-system',
    { values: { args, sources: debianSources() } },
    async (work) => {
      const rootfs = path.join(work, 'rootfs');
      log(`system: mmdebstrap ${SUITE} with ${packages.length} packages (and their dependencies)`);
      await execa('mmdebstrap', [...args, rootfs, ...debianSources()], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      const kernel = readdirSync(path.join(rootfs, 'boot')).find((f) => f.startsWith('vmlinuz-'));
      if (!kernel)
        throw new Error('mmdebstrap made no kernel: is linux-image-amd64 under [system]?');
      const list = await execa('chroot', [rootfs, 'dpkg-query', '-W', '-f', DPKG_QUERY_FORMAT]);
      log('system: squashfs');
      await makeSquashfs(rootfs, path.join(work, SYSTEM_SQUASHFS));
      rmSync(rootfs, { recursive: true, force: true });
      return {
        squashfs: SYSTEM_SQUASHFS,
        kernel: kernel.replace(/^vmlinuz-/, ''),
        packages: parsePackageList(String(list.stdout)),
      };
    },
    log,
  );
}
