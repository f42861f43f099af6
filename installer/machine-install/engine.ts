// The install itself, in stages the screens show: partition the disk, make the volumes and
// file systems, unpack the prepared system from the ISO, copy the local repository and the
// installer, configure the machine (network, names, SSH, APT, site file, first boot), install
// GRUB for BIOS and UEFI. Every command goes through a Shell, so the stages are tested with a
// recording shell and a temporary folder as the target, never a real disk.
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import type { Site } from '../../src/site-file/schema.ts';
import { t } from '../../src/i18n/translate.ts';
import type { Disk } from './disks.ts';
import { partitionPath, sgdiskArgs, MiB, type Layout } from './layout.ts';
import { isManagement, type SiteMachine } from './machines.ts';
import type { Nic } from './nics.ts';
import {
  INSTALL_LOG,
  MANAGEMENT_KEY,
  REPO_KEYRING,
  REPO_ON_MACHINE,
  SITE_ON_MACHINE,
  STATE_DIR,
  debianSources,
  etcHosts,
  fstab,
  grubDefaults,
  interfaceLink,
  localSources,
  machineEnv,
  networkInterfaces,
  resolvConf,
  siteForMachines,
} from './target-files.ts';
import { INSTALLED_MARKER } from './live-paths.ts';

export interface Shell {
  /** Runs a program; resolves with its stdout, rejects with its command, exit code and output. */
  run(
    command: string,
    args: string[],
    options?: { input?: string; onLine?: (line: string) => void },
  ): Promise<string>;
}

export interface KeyPair {
  privateKey: string;
  publicKey: string;
}

export interface InstallInput {
  disk: Disk;
  layout: Layout;
  machine: SiteMachine;
  management: SiteMachine;
  site: Site;
  /** The site file as the operator wrote it (copied, with the connection rewritten). */
  siteText: string;
  authorizedKeys: string[];
  hostKey?: KeyPair;
  managementKey?: KeyPair;
  /** known_hosts lines for every machine, by address (from `runbook iso`). */
  knownHosts?: string;
  nic: Nic;
  /** console= parameters of the live system, kept for the installed one. */
  consoleArgs: string[];
  /** Booted by UEFI: grub-install also writes a boot entry in the firmware. */
  efi: boolean;
  /** Which ISO (and answer) installed this machine; also in the ESP's marker. */
  installedFrom: string;
}

/** Where the pieces come from on the live system. */
export interface Sources {
  systemImage: string;
  repo: string;
  keyring: string;
  /** /opt/cloudstack-runbook and /usr/local/bin/runbook of the live system. */
  installer: string;
  wrapper: string;
  /** installer/machine-install/target: the installed system's first-boot files. */
  targetFiles: string;
}

export type StageId =
  'disk' | 'volumes' | 'system' | 'repository' | 'configure' | 'bootloader' | 'finish';

export const STAGES: { id: StageId; title: () => string }[] = [
  { id: 'disk', title: () => t('Partition the disk') },
  { id: 'volumes', title: () => t('Make the volumes and file systems') },
  { id: 'system', title: () => t('Unpack the prepared system') },
  { id: 'repository', title: () => t('Copy the package repository and the installer') },
  { id: 'configure', title: () => t('Configure network, names, SSH and first boot') },
  { id: 'bootloader', title: () => t('Install the boot loader (BIOS and UEFI)') },
  { id: 'finish', title: () => t('Finish') },
];

export type InstallEvent =
  | { type: 'stage'; id: StageId; state: 'running' | 'done' | 'failed' }
  | { type: 'progress'; id: StageId; percent: number }
  | { type: 'log'; line: string };

const write = (file: string, text: string, mode = 0o644) => {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text, { mode });
  chmodSync(file, mode);
};

export async function installMachine(
  input: InstallInput,
  sources: Sources,
  shell: Shell,
  emit: (event: InstallEvent) => void,
  target = '/target',
): Promise<void> {
  const log = (line: string) => emit({ type: 'log', line });
  const run = (
    command: string,
    args: string[],
    options: { input?: string; onLine?: (line: string) => void } = {},
  ) => {
    log(`$ ${[command, ...args].join(' ')}`);
    return shell.run(command, args, { onLine: log, ...options });
  };
  const inTarget = (script: string) => run('chroot', [target, '/bin/sh', '-c', script]);
  const disk = input.disk.path;
  const part = (n: number) => partitionPath(disk, n);
  const vg = input.layout.volumeGroup;
  const mounted: string[] = [];
  const mount = async (args: string[], where: string) => {
    mkdirSync(where, { recursive: true });
    await run('mount', [...args, where]);
    mounted.push(where);
  };
  let current: StageId = 'disk';
  const stageRun = async (id: StageId, body: () => Promise<void>) => {
    current = id;
    emit({ type: 'stage', id, state: 'running' });
    await body();
    emit({ type: 'stage', id, state: 'done' });
  };

  try {
    await stageRun('disk', async () => {
      // Whatever the disk held before: no swap or volume group of it may stay in use.
      const pvs = await run('pvs', ['--noheadings', '-o', 'pv_name,vg_name', '--separator', ':']);
      for (const line of pvs.split('\n')) {
        const [pv = '', group = ''] = line.trim().split(':');
        if (pv.startsWith(disk) && group) await run('vgchange', ['-an', group]);
      }
      await run('sh', ['-c', `swapoff ${disk}* 2>/dev/null; true`]);
      await run('wipefs', ['-a', '-f', ...(await partitionsOf(disk, shell)), disk]);
      await run('sgdisk', ['--zap-all', disk]);
      await run('sgdisk', sgdiskArgs(input.layout, disk));
      await run('partprobe', [disk]);
      await run('udevadm', ['settle']);
    });

    await stageRun('volumes', async () => {
      await run('mkfs.vfat', ['-F', '32', '-n', 'ESP', part(2)]);
      await run('pvcreate', ['-ff', '-y', part(3)]);
      await run('vgcreate', ['-y', vg, part(3)]);
      for (const v of input.layout.volumes) {
        const size = v.rest ? ['-l', '100%FREE'] : ['-L', `${Math.floor(v.bytes / MiB)}m`];
        await run('lvcreate', ['-y', '-W', 'y', '-Z', 'y', '-n', v.name, ...size, vg]);
        const device = `/dev/${vg}/${v.name}`;
        if (v.filesystem === 'swap') await run('mkswap', ['-L', v.name, device]);
        else await run('mkfs.ext4', ['-q', '-F', '-L', v.name, device]);
      }
    });

    await stageRun('system', async () => {
      await mount([`/dev/${vg}/root`], target);
      await mount([part(2)], path.join(target, 'boot/efi'));
      for (const v of input.layout.volumes)
        if (v.mount && v.mount !== '/')
          await mount([`/dev/${vg}/${v.name}`], path.join(target, v.mount));
      const progress = unsquashfsProgress(target, (percent) =>
        emit({ type: 'progress', id: 'system', percent }),
      );
      await run('unsquashfs', ['-f', '-i', '-n', '-d', target, sources.systemImage], {
        onLine: (line) => {
          if (!progress(line)) log(line);
        },
      });
    });

    await stageRun('repository', async () => {
      const repo = path.join(target, REPO_ON_MACHINE);
      mkdirSync(path.dirname(repo), { recursive: true });
      rmSync(repo, { recursive: true, force: true });
      // The ISO's files are read-only; the copy gets ordinary modes, readable by apt's sandbox user.
      await run('cp', ['-R', '--no-preserve=mode,ownership', sources.repo, repo]);
      copyFileSync(sources.keyring, path.join(target, 'usr/share/keyrings', REPO_KEYRING));
      await run('cp', ['-a', sources.installer, path.join(target, 'opt/')]);
      await run('cp', ['-a', sources.wrapper, path.join(target, 'usr/local/bin/')]);
    });

    await stageRun('configure', async () => {
      await configure(input, sources, target, run);
      for (const dir of ['dev', 'dev/pts', 'proc', 'sys', 'run'])
        await mount(['--bind', `/${dir}`], path.join(target, dir));
      if (!input.hostKey) await inTarget('ssh-keygen -A');
      const units = ['cloudstack-runbook-status.service', 'cloudstack-runbook-ready.service'];
      if (isManagement(input.machine.role)) units.push('cloudstack-runbook-wizard.service');
      await inTarget(`systemctl enable ${units.join(' ')}`);
      await inTarget('apt-get update -q');
    });

    await stageRun('bootloader', async () => {
      await inTarget(`grub-install --target=i386-pc ${disk}`);
      await inTarget(
        `grub-install --target=x86_64-efi --efi-directory=/boot/efi --bootloader-id=debian --uefi-secure-boot --force-extra-removable${input.efi ? '' : ' --no-nvram'}`,
      );
      await inTarget('update-grub');
      write(
        path.join(target, 'boot/efi', INSTALLED_MARKER),
        `${input.machine.hostname} ${input.installedFrom}\n`,
      );
    });

    await stageRun('finish', async () => {
      if (existsSync(INSTALL_LOG)) copyFileSync(INSTALL_LOG, path.join(target, INSTALL_LOG));
      await unmountAll(mounted, run);
      await run('sync', []);
    });
  } catch (error) {
    emit({ type: 'stage', id: current, state: 'failed' });
    await unmountAll(mounted, run).catch(() => undefined);
    throw error;
  }
}

/**
 * Percent done of `unsquashfs -i -n` from its output: the count it announces ("18474 inodes
 * (20733 blocks) to write") and one line per file written. Debian 12's unsquashfs (4.5.1) has
 * no -percentage; its progress bar needs a terminal. Returns true for the lines it consumed
 * (the file names, too many for the log).
 */
export function unsquashfsProgress(
  target: string,
  onPercent: (percent: number) => void,
): (line: string) => boolean {
  let total = 0;
  let written = 0;
  let last = -1;
  return (line) => {
    const announced = /^(\d+) inodes \(\d+ blocks\) to write/.exec(line.trim());
    if (announced) {
      total = Number(announced[1]);
      return false;
    }
    if (line !== target && !line.startsWith(`${target}/`)) return false;
    written++;
    const percent = total > 0 ? Math.min(100, Math.floor((written * 100) / total)) : 0;
    if (percent !== last) onPercent((last = percent));
    return true;
  };
}

async function unmountAll(
  mounted: string[],
  run: (c: string, a: string[]) => Promise<string>,
): Promise<void> {
  while (mounted.length > 0) await run('umount', ['-l', mounted.pop()!]);
}

async function partitionsOf(disk: string, shell: Shell): Promise<string[]> {
  const out = await shell.run('lsblk', ['-n', '-l', '-p', '-o', 'NAME,TYPE', disk]);
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter(([name, type]) => name && type === 'part')
    .map(([name]) => name!);
}

/** Every file that makes the prepared system this machine (also run on a folder in the tests). */
export async function configure(
  input: InstallInput,
  sources: Sources,
  target: string,
  run: (command: string, args: string[]) => Promise<string>,
): Promise<void> {
  const at = (file: string) => path.join(target, file);
  const espUuid = (
    await run('blkid', ['-s', 'UUID', '-o', 'value', partitionPath(input.disk.path, 2)])
  ).trim();
  write(at('etc/fstab'), fstab(input.layout, espUuid));
  write(at('etc/hostname'), `${input.machine.hostname}\n`);
  write(at('etc/hosts'), etcHosts(input.site, input.machine));
  write(at('etc/network/interfaces'), networkInterfaces(input.site, input.machine));
  const link = interfaceLink(input.site, input.nic);
  if (link) write(at('etc/systemd/network/10-cloudstack-runbook.link'), link);
  rmSync(at('etc/resolv.conf'), { force: true });
  write(at('etc/resolv.conf'), resolvConf(input.site));
  rmSync(at('etc/apt/sources.list'), { force: true });
  write(at('etc/apt/sources.list.d/cloudstack-runbook-local.sources'), localSources());
  write(at('etc/apt/sources.list.d/debian.sources'), debianSources());
  write(at('etc/default/grub'), grubDefaults(input.consoleArgs));

  mkdirSync(at('root/.ssh'), { recursive: true, mode: 0o700 });
  chmodSync(at('root/.ssh'), 0o700);
  write(
    at('root/.ssh/authorized_keys'),
    input.authorizedKeys.map((k) => `${k.trim()}\n`).join(''),
    0o600,
  );
  if (input.hostKey) {
    for (const old of readdirSync(at('etc/ssh')).filter((f) => f.startsWith('ssh_host_')))
      rmSync(at(`etc/ssh/${old}`));
    write(at('etc/ssh/ssh_host_ed25519_key'), input.hostKey.privateKey, 0o600);
    write(at('etc/ssh/ssh_host_ed25519_key.pub'), `${input.hostKey.publicKey}\n`);
    // The key the other machines know for this one is the only one it shows.
    write(
      at('etc/ssh/sshd_config.d/20-cloudstack-runbook-hostkey.conf'),
      'HostKey /etc/ssh/ssh_host_ed25519_key\n',
    );
  }

  mkdirSync(at(`${STATE_DIR}/.runbook`), { recursive: true, mode: 0o700 });
  chmodSync(at(STATE_DIR), 0o700);
  write(at(SITE_ON_MACHINE), siteForMachines(input.siteText, Boolean(input.managementKey)));
  write(
    at(`${STATE_DIR}/machine.env`),
    machineEnv(input.machine, input.management, input.installedFrom),
  );
  if (input.knownHosts) write(at(`${STATE_DIR}/.runbook/known_hosts`), input.knownHosts, 0o600);
  if (input.managementKey && isManagement(input.machine.role)) {
    write(at(MANAGEMENT_KEY), input.managementKey.privateKey, 0o600);
    write(at(`${MANAGEMENT_KEY}.pub`), `${input.managementKey.publicKey}\n`);
  }

  mkdirSync(at('etc/systemd/system'), { recursive: true });
  for (const file of readdirSync(sources.targetFiles)) {
    const from = path.join(sources.targetFiles, file);
    if (file.endsWith('.service')) copyFileSync(from, at(`etc/systemd/system/${file}`));
    else {
      mkdirSync(at('usr/local/sbin'), { recursive: true });
      copyFileSync(from, at(`usr/local/sbin/${file}`));
      chmodSync(at(`usr/local/sbin/${file}`), 0o755);
    }
  }
  mkdirSync(at('etc/issue.d'), { recursive: true });
}
