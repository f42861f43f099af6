// An ext4 filesystem image mounted on the build machine through a loop device, with /dev, /proc
// and /sys bound in so commands can run chrooted in it (initramfs, apt, dpkg-query, grub-mkimage).
// Services never start in the chroot (policy-rc.d), and everything is unmounted again even when
// the work fails.
import { execa } from 'execa';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface MountedImage {
  root: string;
  /** Run a shell command chrooted in the image; throws with its output when it fails. */
  chroot(command: string, env?: Record<string, string>): Promise<string>;
}

export async function withMountedImage<T>(
  rawImage: string,
  mountPoint: string,
  work: (image: MountedImage) => Promise<T>,
): Promise<T> {
  mkdirSync(mountPoint, { recursive: true });
  const loop = String((await execa('losetup', ['--find', '--show', rawImage])).stdout).trim();
  const mounted: string[] = [];
  try {
    await execa('mount', [loop, mountPoint]);
    mounted.push(mountPoint);
    for (const [fs, dir, opts] of [
      ['devtmpfs', 'dev', 'bind'],
      ['proc', 'proc', ''],
      ['sysfs', 'sys', ''],
      ['devpts', 'dev/pts', 'bind'],
    ] as const) {
      const target = path.join(mountPoint, dir);
      mkdirSync(target, { recursive: true });
      if (opts === 'bind') await execa('mount', ['--bind', `/${dir}`, target]);
      else await execa('mount', ['-t', fs, fs, target]);
      mounted.push(target);
    }
    const policy = path.join(mountPoint, 'usr/sbin/policy-rc.d');
    writeFileSync(
      policy,
      '#!/bin/sh\n# appliance build: no service starts inside the build chroot\nexit 101\n',
      { mode: 0o755 },
    );
    const image: MountedImage = {
      root: mountPoint,
      async chroot(command, env = {}) {
        const result = await execa('chroot', [mountPoint, '/bin/sh', '-c', command], {
          reject: false,
          env: {
            PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
            LANG: 'C.UTF-8',
            DEBIAN_FRONTEND: 'noninteractive',
            ...env,
          },
          extendEnv: false,
        });
        if (result.exitCode !== 0)
          throw new Error(
            `in the image, \`${command}\` failed (exit ${result.exitCode}):\n${`${result.stdout}\n${result.stderr}`.trim().slice(-2000)}`,
          );
        return String(result.stdout);
      },
    };
    try {
      return await work(image);
    } finally {
      rmSync(policy, { force: true });
    }
  } finally {
    for (const target of mounted.reverse())
      await execa('umount', ['-l', target], { reject: false });
    await execa('losetup', ['-d', loop], { reject: false });
  }
}
