// The variables a runbook step sees: derived from the site (this file is their one definition),
// the host's own (HOST_*), the generated secrets, and what api steps capture.
import type { Site } from './schema.ts';
import { fromNumber, netmaskOf, parseCidr, parseRange } from './ipv4.ts';
import { siteSchema } from './schema.ts';

/** Secrets generated once per site and kept in the 0600 state file; never in plans or logs. */
export const SECRET_VARIABLES = {
  CLOUD_DB_PASSWORD: 'password of the `cloud` database user',
  CLOUD_MGMT_KEY: 'management server key (cloudstack-setup-databases -m)',
  CLOUD_DB_KEY: 'database encryption key (cloudstack-setup-databases -k)',
  ADMIN_PASSWORD: 'new password of the CloudStack `admin` user',
} as const;

/** Set per machine by the executor. */
export const HOST_VARIABLES = {
  HOST_IP: 'the machine’s address in the cloud network',
  HOST_NAME: 'the machine’s short host name',
  HOST_FQDN: 'the machine’s host name with the domain',
  HOST_ROLE: 'management, kvm or all-in-one',
} as const;

/** Environment names a script may use without the site defining them. */
export const SHELL_VARIABLES = ['HOME', 'PATH', 'USER', 'PWD', 'SHELL', 'TERM', 'LANG', 'HOSTNAME', 'DEBIAN_FRONTEND', 'BASH_SOURCE', 'EUID', 'UID', 'LINENO', 'RANDOM', 'SECONDS', 'IFS'] as const;

export const SITE_VARIABLE_HELP: Record<string, string> = {
  SITE_NAME: 'name', INTERFACE: 'network.interface', BRIDGE: 'the bridge the runbook creates (cloudbr0)',
  NETWORK_CIDR: 'network.cidr', NETWORK_ADDRESS: 'network.cidr (address part)', NETMASK: 'network.cidr as a netmask',
  PREFIX_LENGTH: 'network.cidr (prefix)', GATEWAY: 'network.gateway', DNS1: 'network.dns[0]',
  DNS2: 'network.dns[1] (or the first)', DNS_SERVERS: 'network.dns, space separated', DOMAIN: 'network.domain',
  MGMT_IP: 'management.address', MGMT_HOSTNAME: 'management.hostname', MGMT_FQDN: 'management host name + domain',
  KVM_HOST_IPS: 'addresses of the KVM hosts, space separated', KVM_HOSTNAMES: 'host names of the KVM hosts, space separated',
  ALL_IN_ONE: 'yes when there are no separate KVM hosts', CLOUD_MACHINES: 'one line per machine: address fqdn hostname',
  ZONE_NAME: 'zone.name', POD_NAME: 'zone.podName', CLUSTER_NAME: 'zone.clusterName',
  PHYSICAL_NETWORK_NAME: 'zone.physicalNetworkName', PUBLIC_START: 'zone.public (first)', PUBLIC_END: 'zone.public (last)',
  POD_START: 'zone.pod (first)', POD_END: 'zone.pod (last)', GUEST_VLAN_START: 'zone.guestVlans (first)',
  GUEST_VLAN_END: 'zone.guestVlans (last)', GUEST_VLAN_RANGE: 'zone.guestVlans', CLOUDSTACK_VERSION: 'cloudstack.version',
  CLOUDSTACK_REPOSITORY: 'cloudstack.repository', MYSQL_REPOSITORY: 'cloudstack.mysqlRepository', MYSQL_REPOSITORY_HOST: 'host name in cloudstack.mysqlRepository (for the APT pin)', PRIMARY_EXPORT: 'storage.primary', SECONDARY_EXPORT: 'storage.secondary',
  PRIMARY_STORAGE_URL: 'nfs:// URL of the primary export', SECONDARY_STORAGE_URL: 'nfs:// URL of the secondary export',
  API_URL: 'the CloudStack API endpoint',
};

/** The KVM hosts of a site: its `hosts`, or the management server itself when all-in-one. */
export function kvmMachines(site: Site): { address: string; hostname: string }[] {
  return site.hosts.length > 0 ? site.hosts : [site.management];
}

export function apiEndpoint(site: Site): string {
  return site.cloudstack.endpoint ?? `http://${site.management.address}:8080/client/api`;
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

/** Site → variables. Assumes a site that passed checkSite (ranges parse). */
export function siteVariables(site: Site): Record<string, string> {
  const cidr = parseCidr(site.network.cidr);
  const prefix = typeof cidr === 'string' ? 24 : cidr.prefix;
  const network = typeof cidr === 'string' ? site.network.cidr.split('/')[0]! : fromNumber(cidr.network);
  const ends = (text: string) => {
    const r = parseRange(text);
    return typeof r === 'string' ? ['', ''] : [fromNumber(r.start), fromNumber(r.end)];
  };
  const [publicStart, publicEnd] = ends(site.zone.public);
  const [podStart, podEnd] = ends(site.zone.pod);
  const [vlanStart, vlanEnd] = site.zone.guestVlans.split('-').map((s) => s.trim());
  const fqdn = (h: string) => `${h}.${site.network.domain}`;
  const machines = [site.management, ...site.hosts];
  return {
    SITE_NAME: site.name,
    INTERFACE: site.network.interface,
    BRIDGE: 'cloudbr0',
    NETWORK_CIDR: site.network.cidr,
    NETWORK_ADDRESS: network,
    NETMASK: netmaskOf(prefix),
    PREFIX_LENGTH: String(prefix),
    GATEWAY: site.network.gateway,
    DNS1: site.network.dns[0] ?? '',
    DNS2: site.network.dns[1] ?? site.network.dns[0] ?? '',
    DNS_SERVERS: site.network.dns.join(' '),
    DOMAIN: site.network.domain,
    MGMT_IP: site.management.address,
    MGMT_HOSTNAME: site.management.hostname,
    MGMT_FQDN: fqdn(site.management.hostname),
    KVM_HOST_IPS: kvmMachines(site).map((h) => h.address).join(' '),
    KVM_HOSTNAMES: kvmMachines(site).map((h) => h.hostname).join(' '),
    ALL_IN_ONE: site.hosts.length === 0 ? 'yes' : 'no',
    CLOUD_MACHINES: machines.map((m) => `${m.address} ${fqdn(m.hostname)} ${m.hostname}`).join('\n'),
    ZONE_NAME: site.zone.name,
    POD_NAME: site.zone.podName,
    CLUSTER_NAME: site.zone.clusterName,
    PHYSICAL_NETWORK_NAME: site.zone.physicalNetworkName,
    PUBLIC_START: publicStart!,
    PUBLIC_END: publicEnd!,
    POD_START: podStart!,
    POD_END: podEnd!,
    GUEST_VLAN_START: vlanStart ?? '',
    GUEST_VLAN_END: vlanEnd ?? '',
    GUEST_VLAN_RANGE: site.zone.guestVlans,
    CLOUDSTACK_VERSION: site.cloudstack.version,
    CLOUDSTACK_REPOSITORY: site.cloudstack.repository,
    MYSQL_REPOSITORY: site.cloudstack.mysqlRepository,
    MYSQL_REPOSITORY_HOST: hostOf(site.cloudstack.mysqlRepository),
    PRIMARY_EXPORT: site.storage.primary,
    SECONDARY_EXPORT: site.storage.secondary,
    PRIMARY_STORAGE_URL: `nfs://${site.management.address}${site.storage.primary}`,
    SECONDARY_STORAGE_URL: `nfs://${site.management.address}${site.storage.secondary}`,
    API_URL: apiEndpoint(site),
  };
}

/** The variables of the default (all-in-one) site: what the docs show before a reader personalises them. */
export function defaultVariables(): Record<string, string> {
  return siteVariables(siteSchema.parse({}));
}

/** Every UPPER_CASE name a step may use before api captures: site, host, secrets, shell. */
export function knownVariableNames(): Set<string> {
  return new Set([
    ...Object.keys(SITE_VARIABLE_HELP),
    ...Object.keys(HOST_VARIABLES),
    ...Object.keys(SECRET_VARIABLES),
    ...SHELL_VARIABLES,
  ]);
}
