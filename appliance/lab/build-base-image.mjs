#!/usr/bin/env zx
// Builds the lab's Debian 12 base image with mmdebstrap from Debian's archive, and caches it.
//
//   zx appliance/lab/build-base-image.mjs [--cache DIR] [--rebuild]
//
// Output (in DIR/base-<key>/): base.qcow2 (ext4 root filesystem, no partition table: the lab
// boots it with -kernel/-initrd), vmlinuz, initrd.img, manifest.json. The key is a hash of the
// recipe (mmdebstrap arguments and hooks, package lists, guest files, disk size), so changing
// what goes into the image builds a new one, and anything else (comments, this script's other
// code) reuses the cached one. Older images no process has open are removed after a build.
// The last stdout line is JSON for the caller: {"dir", "cached", "seconds"}. Needs root.
import { createHash } from 'node:crypto';
import {
  readFileSync,
  readdirSync,
  readlinkSync,
  existsSync,
  mkdirSync,
  rmSync,
  renameSync,
  writeFileSync,
  statSync,
} from 'node:fs';
import { homedir } from 'node:os';
import process from 'node:process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { $, argv } from 'zx';

const here = path.dirname(fileURLToPath(import.meta.url));
const MIRROR = 'http://deb.debian.org/debian';
const SECURITY = 'http://deb.debian.org/debian-security';
const SUITE = 'bookworm';
const DISK_SIZE = '24G'; // sparse: the qcow2 only stores what is written

function readPackages(file) {
  const sections = { install: [], cache: [] };
  let current = null;
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) {
      if (!(header[1] in sections))
        throw new Error(`${file}: unknown section [${header[1]}] (use [install] or [cache])`);
      current = header[1];
    } else if (!current) {
      throw new Error(
        `${file}: package "${line}" is outside a section; put it under [install] or [cache]`,
      );
    } else {
      sections[current].push(line);
    }
  }
  return sections;
}

/** Older base images no process holds open (a running lab's qemu keeps its backing file open). */
function pruneUnusedImages() {
  const open = new Set();
  for (const pid of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`))
        open.add(readlinkSync(`/proc/${pid}/fd/${fd}`));
    } catch {
      // the process ended meanwhile, or is not ours to read
    }
  }
  for (const entry of readdirSync(cacheRoot)) {
    const dir = path.join(cacheRoot, entry);
    if (!entry.startsWith('base-') || dir === finalDir) continue;
    if ([...open].some((file) => file.startsWith(`${dir}/`))) continue;
    rmSync(dir, { recursive: true, force: true });
    log(`removed the older image ${entry}`);
  }
}

const cacheRoot = path.resolve(
  argv.cache ??
    process.env.RUNBOOK_LAB_CACHE ??
    path.join(homedir(), '.cache', 'cloudstack-runbook', 'lab'),
);
const started = Date.now();
const guest = path.join(here, 'guest');
const packages = readPackages(path.join(here, 'packages.txt'));
const ROOTFS = '@ROOTFS@'; // stands for the build folder in the recipe, so the key ignores it

// Everything that makes the generic image a lab machine; run by mmdebstrap inside the rootfs.
const customize = [
  `install -m 0755 ${guest}/lab-firstboot "$1/usr/local/sbin/lab-firstboot"`,
  `install -m 0644 ${guest}/lab-firstboot.service ${guest}/lab-ready.service "$1/etc/systemd/system/"`,
  'chroot "$1" systemctl enable lab-firstboot.service lab-ready.service ssh.service',
  // No timers fetching or upgrading behind the runbook's back, no fs scrubbing under emulation.
  'chroot "$1" systemctl mask apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer e2scrub_reap.service fstrim.timer',
  'echo "/dev/vda / ext4 defaults,errors=remount-ro 0 1" > "$1/etc/fstab"',
  'printf "auto lo\\niface lo inet loopback\\n" > "$1/etc/network/interfaces"',
  'echo lab-base > "$1/etc/hostname"',
  'rm -f "$1"/etc/ssh/ssh_host_*', // every VM makes its own host keys on first boot
  'passwd --root "$1" -l root',
  // apt under emulation is CPU-bound: skip translations nobody reads in a lab.
  'echo \'Acquire::Languages "none";\' > "$1/etc/apt/apt.conf.d/90lab-no-translations"',
  // dpkg's fsync after every file and man-db's index rebuild after every install dominate the
  // runbook's package steps under TCG. Lab disks are throwaway (qemu runs them cache=unsafe),
  // so neither buys anything here; a real server keeps Debian's defaults.
  'echo force-unsafe-io > "$1/etc/dpkg/dpkg.cfg.d/90lab-unsafe-io"',
  'rm -f "$1/var/lib/man-db/auto-update"',
  // A small initrd (only the virtio and ext4 modules the lab's VMs boot from) shortens the
  // kernel's part of the boot under TCG compared with Debian's MODULES=most (36 MB).
  'echo MODULES=list > "$1/etc/initramfs-tools/conf.d/lab-modules"',
  'printf "virtio_pci\\nvirtio_blk\\nvirtio_net\\next4\\n" >> "$1/etc/initramfs-tools/modules"',
  'chroot "$1" update-initramfs -u -k all',
  // Keep the lists (apt-get install works without an update) and pre-download the runbook's packages.
  'chroot "$1" apt-get clean',
  // With Recommends, as the runbook's own `apt-get install` (Debian's default) will want them.
  `chroot "$1" apt-get install -y --download-only -o APT::Install-Recommends=true ${packages.cache.join(' ')}`,
];

const mmdebstrapArgs = [
  '--mode=root',
  '--variant=minbase',
  '--format=directory',
  `--include=${packages.install.join(',')}`,
  '--skip=cleanup/apt',
  '--skip=output/dev',
  ...customize.map((hook) => `--customize-hook=${hook}`),
  SUITE,
  ROOTFS,
  `deb ${MIRROR} ${SUITE} main`,
  `deb ${MIRROR} ${SUITE}-updates main`,
  `deb ${SECURITY} ${SUITE}-security main`,
];

const key = createHash('sha256')
  .update(JSON.stringify({ mmdebstrapArgs, DISK_SIZE }).replaceAll(guest, '@GUEST@'))
  .update(
    readdirSync(guest)
      .sort()
      .map((f) => `${f}\n${readFileSync(path.join(guest, f), 'utf8')}`)
      .join('\n'),
  )
  .digest('hex')
  .slice(0, 16);
const finalDir = path.join(cacheRoot, `base-${key}`);

if (existsSync(path.join(finalDir, 'manifest.json')) && !argv.rebuild) {
  process.stdout.write(
    JSON.stringify({ dir: finalDir, cached: true, seconds: (Date.now() - started) / 1000 }) + '\n',
  );
  process.exit(0);
}
if (process.getuid?.() !== 0) {
  process.stderr.write(
    'build-base-image: needs root (mmdebstrap in root mode and mkfs.ext4 -d); run it with sudo\n',
  );
  process.exit(2);
}

const work = path.join(cacheRoot, `build-${key}-${process.pid}`);
const rootfs = path.join(work, 'rootfs');
const realArgs = mmdebstrapArgs.map((a) => (a === ROOTFS ? rootfs : a));
mkdirSync(rootfs, { recursive: true });
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

// Tool output goes to stderr: stdout carries only the final JSON line.
const run = $({ stdio: ['ignore', process.stderr, 'inherit'], verbose: false });
const log = (msg) => process.stderr.write(`build-base-image: ${msg}\n`);

log(
  `building base-${key} (Debian ${SUITE}, ${packages.install.length} packages installed, ${packages.cache.length} cached)`,
);
await run`mmdebstrap ${realArgs}`;

const bootDir = path.join(rootfs, 'boot');
const kernel = readdirSync(bootDir).find((f) => f.startsWith('vmlinuz-'));
const initrd = readdirSync(bootDir).find((f) => f.startsWith('initrd.img-'));
if (!kernel || !initrd)
  throw new Error(`no kernel or initrd in ${bootDir}: is linux-image-amd64 under [install]?`);

const out = path.join(work, 'out');
mkdirSync(out);
await run`cp ${path.join(bootDir, kernel)} ${path.join(out, 'vmlinuz')}`;
await run`cp ${path.join(bootDir, initrd)} ${path.join(out, 'initrd.img')}`;
log('writing the ext4 root filesystem');
const raw = path.join(work, 'root.raw');
await run`mkfs.ext4 -q -L lab-root -d ${rootfs} ${raw} ${DISK_SIZE}`;
await run`qemu-img convert -f raw -O qcow2 ${raw} ${path.join(out, 'base.qcow2')}`;
rmSync(raw);

const seconds = (Date.now() - started) / 1000;
writeFileSync(
  path.join(out, 'manifest.json'),
  JSON.stringify(
    {
      key,
      suite: SUITE,
      mirror: MIRROR,
      kernel,
      built: new Date().toISOString(),
      seconds,
      packages,
      size: statSync(path.join(out, 'base.qcow2')).size,
    },
    null,
    2,
  ) + '\n',
);
rmSync(finalDir, { recursive: true, force: true });
renameSync(out, finalDir);
log(`done in ${seconds.toFixed(0)} s: ${finalDir}`);
pruneUnusedImages();
process.stdout.write(JSON.stringify({ dir: finalDir, cached: false, seconds }) + '\n');
