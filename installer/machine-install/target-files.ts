// The files that make the prepared system this machine: fstab, network, names, APT sources,
// SSH, GRUB's defaults, and the site file the management server's wizard starts from. Pure text
// builders (tested in test/appliance/machine-install.test.ts); the engine writes them.
import { parseDocument } from 'yaml';
import type { Site } from '../../src/site-file/schema.ts';
import type { Layout } from './layout.ts';
import { prefixLength, type SiteMachine } from './machines.ts';
import type { Nic } from './nics.ts';

export const STATE_DIR = '/etc/cloudstack-runbook';
export const SITE_ON_MACHINE = `${STATE_DIR}/site.yaml`;
/** The management server's key to every machine (made by `runbook iso`). */
export const MANAGEMENT_KEY = `${STATE_DIR}/id_ed25519`;
export const REPO_ON_MACHINE = '/var/lib/cloudstack-runbook/apt';
export const REPO_KEYRING = 'cloudstack-runbook-local.gpg';
export const INSTALL_LOG = '/var/log/cloudstack-runbook-install.log';

export function fstab(layout: Layout, espUuid: string): string {
  const lines = [
    '# Written by the CloudStack Runbook machine installer.',
    '# <file system> <mount point> <type> <options> <dump> <pass>',
  ];
  for (const v of layout.volumes) {
    const device = `/dev/mapper/${layout.volumeGroup}-${v.name}`;
    if (v.filesystem === 'swap') lines.push(`${device} none swap sw 0 0`);
    else
      lines.push(
        `${device} ${v.mount} ext4 ${v.mount === '/' ? 'errors=remount-ro' : 'defaults'} 0 ${v.mount === '/' ? 1 : 2}`,
      );
  }
  lines.push(`UUID=${espUuid} /boot/efi vfat umask=0077 0 1`);
  return lines.join('\n') + '\n';
}

export function networkInterfaces(site: Site, machine: SiteMachine): string {
  const name = site.network.interface;
  return [
    '# Written by the CloudStack Runbook machine installer: the site address on the site interface.',
    'source /etc/network/interfaces.d/*',
    '',
    'auto lo',
    'iface lo inet loopback',
    '',
    `allow-hotplug ${name}`,
    `auto ${name}`,
    `iface ${name} inet static`,
    `    address ${machine.address}/${prefixLength(site)}`,
    `    gateway ${site.network.gateway}`,
    '',
  ].join('\n');
}

/** Names the card carrying the site address as the site file does; none needed when it already is. */
export function interfaceLink(site: Site, nic: Nic): string | undefined {
  if (nic.name === site.network.interface) return undefined;
  return [
    `# Written by the CloudStack Runbook machine installer: the card the kernel called ${nic.name}`,
    `# gets the name the site file gives it (network.interface).`,
    '[Match]',
    `MACAddress=${nic.mac}`,
    '',
    '[Link]',
    `Name=${site.network.interface}`,
    '',
  ].join('\n');
}

export function resolvConf(site: Site): string {
  return [
    `search ${site.network.domain}`,
    ...site.network.dns.map((d) => `nameserver ${d}`),
    '',
  ].join('\n');
}

export function etcHosts(site: Site, machine: SiteMachine): string {
  return [
    '127.0.0.1\tlocalhost',
    `${machine.address}\t${machine.hostname}.${site.network.domain}\t${machine.hostname}`,
    '',
    '::1\tip6-localhost ip6-loopback',
    'ff02::1\tip6-allnodes',
    'ff02::2\tip6-allrouters',
    '',
  ].join('\n');
}

/** The ISO's repository, copied onto the machine, as its only enabled source. */
export function localSources(): string {
  return [
    '# The packages the CloudStack Runbook installs, copied from the installer ISO (written by its',
    '# machine installer). Signed by a key made when the ISO was built, trusted for this source only.',
    'Types: deb',
    `URIs: file:${REPO_ON_MACHINE}`,
    'Suites: bookworm',
    'Components: main',
    `Signed-By: /usr/share/keyrings/${REPO_KEYRING}`,
    '',
  ].join('\n');
}

/** Debian's archive, written but off: an offline machine's apt-get update stays clean. */
export function debianSources(): string {
  return [
    "# Debian's archive. Off after an offline install: the local repository has what the runbook",
    '# installs. Set Enabled: yes (or delete the line) where the machine reaches the archive, for',
    '# security updates.',
    'Types: deb',
    'URIs: http://deb.debian.org/debian',
    'Suites: bookworm bookworm-updates',
    'Components: main',
    'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg',
    'Enabled: no',
    '',
    'Types: deb',
    'URIs: http://deb.debian.org/debian-security',
    'Suites: bookworm-security',
    'Components: main',
    'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg',
    'Enabled: no',
    '',
  ].join('\n');
}

/** /etc/default/grub: short menu, and the installer's serial console kept for the installed system. */
export function grubDefaults(consoleArgs: string[]): string {
  const serial = consoleArgs.some((a) => a.startsWith('console=ttyS'));
  return [
    '# Written by the CloudStack Runbook machine installer (update-grub reads it).',
    'GRUB_DEFAULT=0',
    'GRUB_TIMEOUT=3',
    'GRUB_DISTRIBUTOR=`lsb_release -i -s 2> /dev/null || echo Debian`',
    'GRUB_CMDLINE_LINUX_DEFAULT="quiet"',
    `GRUB_CMDLINE_LINUX="${consoleArgs.join(' ')}"`,
    ...(serial
      ? ['GRUB_TERMINAL="console serial"', 'GRUB_SERIAL_COMMAND="serial --unit=0 --speed=115200"']
      : []),
    '',
  ].join('\n');
}

/**
 * The site file as the management server's installer reads it: the machines are reached
 * directly (no per-machine ssh overrides), as root with the management key.
 */
export function siteForMachines(text: string, withManagementKey: boolean): string {
  const doc = parseDocument(text);
  doc.deleteIn(['management', 'ssh']);
  const hosts = doc.get('hosts', true) as { items?: unknown[] } | undefined;
  for (let i = 0; i < (hosts?.items?.length ?? 0); i++) doc.deleteIn(['hosts', i, 'ssh']);
  doc.setIn(['ssh', 'user'], 'root');
  doc.deleteIn(['ssh', 'password']);
  doc.deleteIn(['ssh', 'port']);
  if (withManagementKey) doc.setIn(['ssh', 'identity'], MANAGEMENT_KEY);
  else doc.deleteIn(['ssh', 'identity']);
  return `# Copied by the CloudStack Runbook machine installer; machines are reached directly, as root.\n${doc.toString()}`;
}

/** What the first boot and the ready report read about this machine (shell-sourceable). */
export function machineEnv(
  machine: SiteMachine,
  management: SiteMachine,
  installedFrom: string,
): string {
  // Host names and addresses passed the site checks: letters, digits, dots and dashes only.
  return [
    '# Written by the CloudStack Runbook machine installer.',
    `MACHINE_HOSTNAME=${machine.hostname}`,
    `MACHINE_ADDRESS=${machine.address}`,
    `MACHINE_ROLE=${machine.role}`,
    `MANAGEMENT_ADDRESS=${management.address}`,
    `INSTALLED_AT=${new Date().toISOString()}`,
    `INSTALLED_FROM=${installedFrom.replace(/[^A-Za-z0-9._:/-]/g, '_')}`,
    '',
  ].join('\n');
}
