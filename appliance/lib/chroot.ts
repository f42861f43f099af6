// A chroot made of read-only squashfs layers with a writable upper directory (overlayfs), for
// build steps that add to a layer without touching the layers below: the live system's
// packages on top of the prepared system, or an apt resolution that must see exactly what the
// installed system has. /dev, /proc and /sys are bound in, services never start (policy-rc.d),
// and everything is unmounted again even when the work fails.
import { execa } from 'execa';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface LayeredChroot {
  /** The merged tree. */
  root: string;
  /** Run a shell command chrooted in it; throws with the end of its output when it fails. */
  run(command: string, env?: Record<string, string>): Promise<string>;
}

export async function withLayeredChroot<T>(
  options: { layers: string[]; upper: string; work: string },
  body: (chroot: LayeredChroot) => Promise<T>,
): Promise<T> {
  const mounted: string[] = [];
  const lowers: string[] = [];
  const umountAll = async () => {
    for (const target of mounted.reverse())
      await execa('umount', ['-l', target], { reject: false });
  };
  try {
    for (const [index, layer] of options.layers.entries()) {
      const dir = path.join(options.work, `lower${index}`);
      mkdirSync(dir, { recursive: true });
      await execa('mount', ['-t', 'squashfs', '-o', 'loop,ro', layer, dir]);
      mounted.push(dir);
      lowers.unshift(dir); // overlayfs lists the topmost layer first
    }
    const root = path.join(options.work, 'merged');
    const overlayWork = path.join(options.work, 'overlay-work');
    for (const dir of [options.upper, root, overlayWork]) mkdirSync(dir, { recursive: true });
    await execa('mount', [
      '-t',
      'overlay',
      'overlay',
      '-o',
      `lowerdir=${lowers.join(':')},upperdir=${options.upper},workdir=${overlayWork}`,
      root,
    ]);
    mounted.push(root);
    for (const [fs, dir] of [
      ['bind', 'dev'],
      ['bind', 'dev/pts'],
      ['proc', 'proc'],
      ['sysfs', 'sys'],
      ['tmpfs', 'tmp'],
      ['tmpfs', 'run'],
    ] as const) {
      const target = path.join(root, dir);
      mkdirSync(target, { recursive: true });
      if (fs === 'bind') await execa('mount', ['--bind', `/${dir}`, target]);
      else await execa('mount', ['-t', fs, fs, target]);
      mounted.push(target);
    }
    const policy = path.join(root, 'usr/sbin/policy-rc.d');
    writeFileSync(
      policy,
      '#!/bin/sh\n# appliance build: no service starts in the chroot\nexit 101\n',
      {
        mode: 0o755,
      },
    );
    // The build machine's resolver, for apt inside (removed again with the policy).
    const resolv = path.join(root, 'etc/resolv.conf');
    rmSync(resolv, { force: true });
    await execa('cp', ['--dereference', '/etc/resolv.conf', resolv]);
    const chroot: LayeredChroot = {
      root,
      async run(command, env = {}) {
        const result = await execa('chroot', [root, '/bin/sh', '-c', command], {
          reject: false,
          env: {
            PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
            LANG: 'C.UTF-8',
            DEBIAN_FRONTEND: 'noninteractive',
            ...env,
          },
          extendEnv: false,
          all: true,
        });
        if (result.exitCode !== 0)
          throw new Error(
            `in the build chroot, \`${command}\` failed (exit ${result.exitCode}):\n${String(result.all).trim().slice(-2500)}`,
          );
        return String(result.stdout);
      },
    };
    try {
      return await body(chroot);
    } finally {
      rmSync(policy, { force: true });
      rmSync(resolv, { force: true });
    }
  } finally {
    await umountAll();
  }
}

/** A squashfs image of a directory (zstd: small, and quick to unpack under emulation). */
export async function makeSquashfs(dir: string, out: string): Promise<void> {
  await execa(
    'mksquashfs',
    [dir, out, '-noappend', '-comp', 'zstd', '-Xcompression-level', '15', '-quiet'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
}
