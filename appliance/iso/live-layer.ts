// The live installer's own layer (20-live.squashfs): live-boot and the partitioning tools,
// installed from Debian's archive on top of the prepared system in an overlay, so the layer
// holds only what they add. The same chroot makes the boot loader pieces from the prepared
// system's own GRUB and shim packages: GRUB's BIOS El Torito image and hybrid MBR, and the
// signed shim and GRUB for UEFI (Secure Boot). The kernel is the prepared system's; the
// initramfs is rebuilt here with live-boot.
import { copyFileSync, cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeSquashfs, withLayeredChroot } from '../lib/chroot.ts';
import { stage } from '../lib/stages.ts';
import { LIVE_SQUASHFS } from '../../installer/machine-install/live-paths.ts';
import type { StageResult } from '../lib/stages.ts';
import { BIOS_CORE_MODULES, biosEmbeddedCfg } from './boot-config.ts';
import { systemPackages } from './system-image.ts';
import type { SystemImage } from './system-image.ts';

export interface LiveLayer {
  squashfs: string;
  kernel: string;
  initrd: string;
  /** Directory of boot loader files: eltorito.img, boot_hybrid.img, i386-pc/, efi/. */
  boot: string;
}

/** Signed UEFI binaries (Debian's, from the prepared system) and their names in EFI/BOOT. */
export const SIGNED_EFI = {
  'BOOTX64.EFI': 'usr/lib/shim/shimx64.efi.signed',
  'mmx64.efi': 'usr/lib/shim/mmx64.efi.signed',
  // The CD variant of Debian's signed GRUB: it finds the medium by /.disk/info and reads
  // /boot/grub/grub.cfg there (its embedded config); modules cannot be loaded under Secure Boot.
  'grubx64.efi': 'usr/lib/grub/x86_64-efi-signed/gcdx64.efi.signed',
} as const;

/**
 * The live initramfs only has to find the medium and mount its squashfs layers: storage,
 * file system and USB drivers. Network cards, GPUs, InfiniBand and the file systems a live
 * medium never has load later from the live root (which has every module), so they are
 * dropped from it; with zstd instead of gzip that
 * makes it a fraction of MODULES=most's size and several times quicker to unpack (minutes
 * under emulation). Written before live-boot's install, whose trigger builds the initramfs.
 */
const LIVE_INITRAMFS = [
  'echo COMPRESS=zstd > /etc/initramfs-tools/conf.d/cloudstack-runbook-live',
  `printf '%s\\n' '#!/bin/sh' '# CloudStack Runbook live initramfs: drivers the live root loads itself.' '[ "$1" = prereqs ] && exit 0' 'for d in drivers/net drivers/gpu drivers/infiniband drivers/media drivers/staging sound fs/xfs fs/btrfs fs/f2fs fs/nfs fs/nfsd fs/ocfs2 fs/gfs2 fs/jfs fs/reiserfs fs/nilfs2 fs/ceph fs/smb fs/afs; do rm -rf "$DESTDIR/usr/lib/modules/$version/kernel/$d"; done' > /etc/initramfs-tools/hooks/zz-cloudstack-runbook-trim`,
  'chmod 755 /etc/initramfs-tools/hooks/zz-cloudstack-runbook-trim',
];

/** What the live layer adds after its packages (part of the stage's key). */
const LIVE_SETUP = [
  'echo cloudstack-runbook-installer > /etc/hostname',
  // No SSH server (no host keys, nothing to log in to), no clock sync, no apt timers on the live system.
  'systemctl mask ssh.service chrony.service apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer',
  'apt-get clean && rm -rf /var/lib/apt/lists/*',
];

export function buildLiveLayer(
  system: StageResult<SystemImage>,
  log: (line: string) => void,
): Promise<StageResult<LiveLayer>> {
  const packages = systemPackages().live;
  return stage(
    'iso-live',
    {
      values: {
        system: system.key,
        packages,
        initramfs: LIVE_INITRAMFS,
        setup: LIVE_SETUP,
        modules: BIOS_CORE_MODULES,
        cfg: biosEmbeddedCfg(),
      },
    },
    async (work) => {
      const upper = path.join(work, 'upper');
      const boot = path.join(work, 'boot');
      mkdirSync(path.join(boot, 'efi'), { recursive: true });
      let kernel = '';
      let initrd = '';
      await withLayeredChroot(
        {
          layers: [path.join(system.dir, system.data.squashfs)],
          upper,
          work: path.join(work, 'mnt'),
        },
        async (chroot) => {
          log(`live: apt-get install ${packages.join(' ')}`);
          await chroot.run('apt-get update -qq');
          for (const command of LIVE_INITRAMFS) await chroot.run(command);
          await chroot.run(`apt-get install -y -qq --no-install-recommends ${packages.join(' ')}`);
          for (const command of LIVE_SETUP) await chroot.run(command);
          const bootDir = path.join(chroot.root, 'boot');
          kernel = readdirSync(bootDir).find((f) => f.startsWith('vmlinuz-')) ?? '';
          initrd = readdirSync(bootDir).find((f) => f.startsWith('initrd.img-')) ?? '';
          if (!kernel || !initrd) throw new Error(`no kernel or initramfs in ${bootDir}`);
          copyFileSync(path.join(bootDir, kernel), path.join(work, 'vmlinuz'));
          copyFileSync(path.join(bootDir, initrd), path.join(work, 'initrd.img'));

          log('live: GRUB for BIOS (El Torito, hybrid MBR) and the signed shim + GRUB for UEFI');
          writeFileSync(path.join(chroot.root, 'tmp/early.cfg'), biosEmbeddedCfg());
          await chroot.run(
            `grub-mkimage -O i386-pc-eltorito -p /boot/grub -c /tmp/early.cfg -o /tmp/eltorito.img ${BIOS_CORE_MODULES.join(' ')}`,
          );
          copyFileSync(path.join(chroot.root, 'tmp/eltorito.img'), path.join(boot, 'eltorito.img'));
          copyFileSync(
            path.join(chroot.root, 'usr/lib/grub/i386-pc/boot_hybrid.img'),
            path.join(boot, 'boot_hybrid.img'),
          );
          const modules = path.join(boot, 'i386-pc');
          mkdirSync(modules);
          for (const file of readdirSync(path.join(chroot.root, 'usr/lib/grub/i386-pc')))
            if (/\.(mod|lst)$/.test(file))
              copyFileSync(
                path.join(chroot.root, 'usr/lib/grub/i386-pc', file),
                path.join(modules, file),
              );
          for (const [name, from] of Object.entries(SIGNED_EFI))
            cpSync(path.join(chroot.root, from), path.join(boot, 'efi', name), {
              dereference: true,
            });
        },
      );
      // Nothing of the build machine's may stay in the layer, nor the initramfs the ISO carries
      // beside it (the live system never reads its own copy).
      for (const leftover of [
        'etc/resolv.conf',
        'usr/sbin/policy-rc.d',
        'var/cache/apt',
        `boot/${initrd}`,
      ])
        rmSync(path.join(upper, leftover), { recursive: true, force: true });
      log('live: squashfs');
      await makeSquashfs(upper, path.join(work, LIVE_SQUASHFS));
      rmSync(upper, { recursive: true, force: true });
      rmSync(path.join(work, 'mnt'), { recursive: true, force: true });
      return {
        squashfs: LIVE_SQUASHFS,
        kernel: 'vmlinuz',
        initrd: 'initrd.img',
        boot: 'boot',
      };
    },
    log,
  );
}
