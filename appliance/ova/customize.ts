// Turns the provisioned lab machine's filesystem into the appliance, on the build machine
// (chroot, native speed): the lab's bits out (its first-boot script, its key, its host keys, the
// archive-proxy name in /etc/hosts, the virtio-only initramfs), the appliance's bits in (GRUB and
// growpart from Debian, first-boot and console services, the installer bundle with the site and
// journal of the build so `runbook install` can finish the CloudStack steps).
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { writeBundle } from '../lib/bundle.ts';
import type { MountedImage } from '../lib/mount.ts';
import { applianceDir } from '../lib/paths.ts';
import { DPKG_QUERY_FORMAT } from '../lib/report.ts';

export const KERNEL_ARGS = 'net.ifnames=0 console=tty0 console=ttyS0,115200n8';
export const SITE_DIR = '/etc/cloudstack-runbook';
const GUEST = path.join(applianceDir, 'guest');
const UNITS = [
  'appliance-firstboot.service',
  'cloudstack-runbook-issue.service',
  'appliance-ready.service',
];
/** Packages the appliance adds to the lab machine: boot loader, growpart. */
export const APPLIANCE_PACKAGES = ['grub-pc', 'cloud-guest-utils'];
// With the Debian mirrors in sources.list (as mmdebstrap writes them), leave sources.list.d out.
const DEBIAN_ONLY =
  '$([ -s /etc/apt/sources.list ] && mkdir -p /run/no-sources.d && echo -o Dir::Etc::SourceParts=/run/no-sources.d)';

function removeLabTraces(root: string): void {
  for (const file of [
    'etc/systemd/system/sysinit.target.wants/lab-firstboot.service',
    'etc/systemd/system/multi-user.target.wants/lab-ready.service',
    'etc/systemd/system/lab-firstboot.service',
    'etc/systemd/system/lab-ready.service',
    'usr/local/sbin/lab-firstboot',
    'etc/lab-configured',
    'etc/ssh/sshd_config.d/lab-hostkey.conf',
    'root/.ssh/authorized_keys',
    'etc/initramfs-tools/conf.d/lab-modules',
    'etc/apt/apt.conf.d/90lab-no-translations',
  ])
    rmSync(path.join(root, file), { force: true });
  for (const key of readdirSync(path.join(root, 'etc/ssh')).filter((f) =>
    f.startsWith('ssh_host_'),
  ))
    rmSync(path.join(root, 'etc/ssh', key));
  // The lab answered deb.debian.org at its gateway; the appliance resolves it like any machine.
  const hosts = path.join(root, 'etc/hosts');
  if (existsSync(hosts))
    writeFileSync(
      hosts,
      readFileSync(hosts, 'utf8')
        .split('\n')
        .filter((line) => !/\sdeb\.debian\.org\b/.test(line))
        .join('\n'),
    );
  const modules = path.join(root, 'etc/initramfs-tools/modules');
  if (existsSync(modules))
    writeFileSync(
      modules,
      readFileSync(modules, 'utf8')
        .split('\n')
        .filter((l) => !/^(virtio_pci|virtio_blk|virtio_net|ext4)$/.test(l))
        .join('\n'),
    );
}

/** The build's site file, made to run the installer on the appliance itself. */
export function applianceSite(labSiteYaml: string): string {
  const doc = parseDocument(labSiteYaml);
  doc.setIn(['management', 'ssh'], { host: 'local' });
  doc.deleteIn(['ssh', 'identity']);
  doc.deleteIn(['cloudstack', 'endpoint']);
  const header = [
    '# Site file of this all-in-one appliance. `runbook install --site /etc/cloudstack-runbook/site.yaml`',
    '# runs the runbook on this machine itself (ssh host: local) and resumes from the journal in',
    '# .runbook/ beside this file, which the image build left: only the steps not done yet run.',
    '',
  ].join('\n');
  return header + doc.toString().replace(/^(#.*\n)+/, '');
}

export interface CustomizeInput {
  image: MountedImage;
  uuid: string;
  /** `site.yaml` and `.runbook/` of the build run. */
  siteDir: string;
  log: (line: string) => void;
}

export async function customizeAppliance({
  image,
  uuid,
  siteDir,
  log,
}: CustomizeInput): Promise<{ packages: string }> {
  const root = image.root;
  removeLabTraces(root);
  writeFileSync(
    path.join(root, 'etc/fstab'),
    `# Written by the appliance build: the root filesystem by its UUID, whatever the disk is called.\nUUID=${uuid} / ext4 defaults,errors=remount-ro 0 1\n`,
  );

  log('customize: GRUB and growpart from Debian (apt in the image)');
  // apt inside the chroot needs the build machine's resolver for deb.debian.org.
  const resolv = path.join(root, 'etc/resolv.conf');
  const savedResolv = existsSync(resolv) ? readFileSync(resolv) : undefined;
  rmSync(resolv, { force: true });
  cpSync('/etc/resolv.conf', resolv, { dereference: true });
  try {
    await image.chroot(
      // Debian's archive only (sources.list): a repository the runbook added under sources.list.d
      // (CloudStack's) is not this build machine's business.
      `echo 'grub-pc grub-pc/install_devices_empty boolean true' | debconf-set-selections && apt-get ${DEBIAN_ONLY} update -qq && apt-get ${DEBIAN_ONLY} install -y -q --no-install-recommends ${APPLIANCE_PACKAGES.join(' ')}`,
    );
    await image.chroot('apt-get clean');
  } finally {
    if (savedResolv) writeFileSync(resolv, savedResolv);
  }

  log('customize: initramfs with the usual drivers (VirtualBox disks are SATA, not virtio)');
  await image.chroot('update-initramfs -u -k all');
  const kernel = readdirSync(path.join(root, 'boot'))
    .filter((f) => f.startsWith('vmlinuz-'))
    .sort()
    .pop();
  const initrd = readdirSync(path.join(root, 'boot'))
    .filter((f) => f.startsWith('initrd.img-'))
    .sort()
    .pop();
  if (!kernel || !initrd) throw new Error('no kernel or initrd in the image /boot');
  const grubDefault = path.join(root, 'etc/default/grub');
  writeFileSync(
    grubDefault,
    readFileSync(grubDefault, 'utf8')
      .replace(/^GRUB_CMDLINE_LINUX=.*$/m, `GRUB_CMDLINE_LINUX="${KERNEL_ARGS}"`)
      .replace(/^GRUB_TIMEOUT=.*$/m, 'GRUB_TIMEOUT=2'),
  );
  // A first grub.cfg; the first boot's update-grub replaces it with Debian's generated one.
  mkdirSync(path.join(root, 'boot/grub'), { recursive: true });
  writeFileSync(
    path.join(root, 'boot/grub/grub.cfg'),
    [
      'set timeout=2',
      'set default=0',
      'insmod part_msdos',
      'insmod ext2',
      `search --no-floppy --fs-uuid --set=root ${uuid}`,
      'menuentry "Debian GNU/Linux (CloudStack Runbook appliance)" {',
      `  linux /boot/${kernel} root=UUID=${uuid} ro ${KERNEL_ARGS} quiet`,
      `  initrd /boot/${initrd}`,
      '}',
      '',
    ].join('\n'),
  );
  await image.chroot(
    'mkdir -p /boot/grub/i386-pc && cp /usr/lib/grub/i386-pc/*.mod /usr/lib/grub/i386-pc/*.lst /boot/grub/i386-pc/',
  );
  await image.chroot(
    `grub-mkimage -O i386-pc -o /boot/grub/i386-pc/core.img -p '(hd0,msdos1)/boot/grub' biosdisk part_msdos ext2 search_fs_uuid`,
  );

  log('customize: first-boot and console services, the installer bundle, the site and journal');
  const sbin = path.join(root, 'usr/local/sbin');
  for (const script of ['appliance-firstboot', 'cloudstack-runbook-issue'])
    cpSync(path.join(GUEST, script), path.join(sbin, script));
  for (const unit of UNITS)
    cpSync(path.join(GUEST, unit), path.join(root, 'etc/systemd/system', unit));
  mkdirSync(path.join(root, 'etc/issue.d'), { recursive: true });
  await image.chroot(
    `chmod 0755 /usr/local/sbin/appliance-firstboot /usr/local/sbin/cloudstack-runbook-issue && systemctl enable ${UNITS.join(' ')}`,
  );
  await writeBundle(root);
  const siteTarget = path.join(root, SITE_DIR);
  mkdirSync(siteTarget, { recursive: true, mode: 0o700 });
  writeFileSync(
    path.join(siteTarget, 'site.yaml'),
    applianceSite(readFileSync(path.join(siteDir, 'site.yaml'), 'utf8')),
  );
  if (existsSync(path.join(siteDir, '.runbook'))) {
    cpSync(path.join(siteDir, '.runbook'), path.join(siteTarget, '.runbook'), { recursive: true });
    rmSync(path.join(siteTarget, '.runbook', 'known_hosts'), { force: true }); // the build reached it over the lab's port
    rmSync(path.join(siteTarget, '.runbook', 'lock'), { force: true });
  }
  await image.chroot(`chmod -R go-rwx ${SITE_DIR}`);
  const packages = await image.chroot(`dpkg-query -W -f '${DPKG_QUERY_FORMAT}'`);
  return { packages };
}
