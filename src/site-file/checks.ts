// The checks an operator would make on a site before touching a machine: addresses valid and
// inside the network, nothing used twice, ranges ordered and big enough, names well formed.
import { existsSync } from 'node:fs';
import { SUPPORTED_CLOUDSTACK_VERSIONS, type Site } from './schema.ts';
import type { FieldPath } from './positions.ts';
import { expandHome } from './paths.ts';
import {
  contains,
  fromNumber,
  isHostIn,
  isIpv4,
  overlaps,
  parseCidr,
  parseRange,
  rangeSize,
  toNumber,
  type Cidr,
  type Range,
} from './ipv4.ts';

export interface SiteIssue {
  path: FieldPath;
  message: string;
  fix: string;
}

/**
 * Addresses CloudStack takes from each range at zone creation: the secondary storage VM and the
 * console proxy each need one public and one pod (management) address, the SSVM a further pod
 * address for its storage NIC, and the first isolated network's virtual router a public one.
 */
export const MIN_PUBLIC_ADDRESSES = 3;
export const MIN_POD_ADDRESSES = 3;

const HOSTNAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;
/** Linux interface names: at most 15 characters, no `/`, `:` or spaces, and never a leading `-` (read as an option). */
const INTERFACE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,14}$/;
const EXPORT_PATH = /^\/[A-Za-z0-9._/-]+$/;
/** Names that end up in CloudStack objects and config files: printable, no quotes or `$`. */
const OBJECT_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/;

export function checkSite(site: Site): { errors: SiteIssue[]; warnings: SiteIssue[] } {
  const errors: SiteIssue[] = [];
  const warnings: SiteIssue[] = [];
  const bad = (path: FieldPath, message: string, fix: string) => errors.push({ path, message, fix });

  if (!OBJECT_NAME.test(site.name)) {
    bad(['name'], `"${site.name}" is not a usable site name`, 'use letters, digits, spaces, dots, dashes (up to 64)');
  }

  // The network everything else must sit in.
  const cidr = parseCidr(site.network.cidr);
  if (typeof cidr === 'string') bad(['network', 'cidr'], `"${site.network.cidr}" ${cidr}`, 'write the network as address/prefix, like 172.16.10.0/24');
  const net = typeof cidr === 'string' ? undefined : cidr;
  const inNet = (ip: number) => (net ? isHostIn(net, ip) : true);
  const netText = site.network.cidr;

  if (!INTERFACE.test(site.network.interface)) {
    bad(['network', 'interface'], `"${site.network.interface}" is not a network interface name`, 'use the name `ip link` shows, like eth0 or enp1s0 (at most 15 characters)');
  } else if (site.network.interface === 'cloudbr0') {
    bad(['network', 'interface'], 'is the bridge the runbook creates, not the interface under it', 'name the physical interface that carries the address today, like eth0');
  }
  if (!DOMAIN.test(site.network.domain)) {
    bad(['network', 'domain'], `"${site.network.domain}" is not a DNS domain`, 'use a domain like cloud.internal');
  }
  site.network.dns.forEach((dns, i) => {
    if (!isIpv4(dns)) bad(['network', 'dns', i], `"${dns}" is not an IPv4 address`, 'write a DNS server address, like 8.8.8.8');
  });

  // Single addresses: valid, inside the network, each used once.
  const used = new Map<number, string>();
  const address = (path: FieldPath, value: string, what: string): number | undefined => {
    if (!isIpv4(value)) {
      bad(path, `"${value}" is not an IPv4 address`, `write the ${what}'s address, like 172.16.10.2`);
      return undefined;
    }
    const ip = toNumber(value);
    if (!inNet(ip)) {
      bad(path, `${value} is not a usable address in the network ${netText}`, `pick an address inside ${netText} (not its first or last)`);
    }
    const owner = used.get(ip);
    if (owner) bad(path, `${value} is already used by ${owner}`, 'give every machine and the gateway its own address');
    else used.set(ip, pathText(path));
    return ip;
  };
  address(['network', 'gateway'], site.network.gateway, 'gateway');
  address(['management', 'address'], site.management.address, 'management server');
  site.hosts.forEach((h, i) => address(['hosts', i, 'address'], h.address, 'KVM host'));

  // Host names: valid and distinct.
  const names = new Map<string, string>();
  const hostname = (path: FieldPath, value: string) => {
    if (!HOSTNAME.test(value)) {
      bad(path, `"${value}" is not a valid host name`, 'use letters, digits and dashes (no dots: the domain comes from network.domain), like kvm1');
      return;
    }
    const lower = value.toLowerCase();
    const owner = names.get(lower);
    if (owner) bad(path, `"${value}" is already the name of ${owner}`, 'give every machine its own host name');
    else names.set(lower, pathText(path));
  };
  hostname(['management', 'hostname'], site.management.hostname);
  site.hosts.forEach((h, i) => hostname(['hosts', i, 'hostname'], h.hostname));

  // Ranges: valid, inside the network, no machine inside, not overlapping, large enough.
  const range = (path: FieldPath, value: string, min: number, what: string): Range | undefined => {
    const r = parseRange(value);
    if (typeof r === 'string') {
      bad(path, `"${value}" ${r}`, 'write first-last, like 172.16.10.11-172.16.10.20');
      return undefined;
    }
    if (!inNet(r.start) || !inNet(r.end)) {
      bad(path, `${value} is not inside the network ${netText}`, `keep the whole range inside ${netText}`);
    }
    const inside = [...used].filter(([ip]) => contains(r, ip)).map(([ip, owner]) => `${fromNumber(ip)}, used by ${owner}`);
    if (inside.length > 0) {
      bad(path, `${value} contains ${inside.join('; ')}`, 'move the range so no machine or the gateway falls inside it');
    }
    if (rangeSize(r) < min) {
      bad(path, `${value} has ${rangeSize(r)} address${rangeSize(r) === 1 ? '' : 'es'}; ${what} need at least ${min}`, `widen it to at least ${min} addresses`);
    }
    return r;
  };
  const pub = range(['zone', 'public'], site.zone.public, MIN_PUBLIC_ADDRESSES, 'the system VMs and the first virtual router');
  const pod = range(['zone', 'pod'], site.zone.pod, MIN_POD_ADDRESSES, 'the system VMs');
  if (pub && pod && overlaps(pub, pod)) {
    bad(['zone', 'pod'], `${site.zone.pod} overlaps the public range ${site.zone.public}`, 'give the pod and public ranges separate addresses');
  }

  checkVlans(site.zone.guestVlans, bad);
  for (const key of ['name', 'podName', 'clusterName', 'physicalNetworkName'] as const) {
    if (!OBJECT_NAME.test(site.zone[key])) {
      bad(['zone', key], `"${site.zone[key]}" is not a usable CloudStack name`, 'use letters, digits, spaces, dots and dashes (up to 64)');
    }
  }
  for (const key of ['primary', 'secondary'] as const) {
    if (!EXPORT_PATH.test(site.storage[key])) {
      bad(['storage', key], `"${site.storage[key]}" is not an absolute export path`, 'use a path like /export/primary (letters, digits, . _ - /)');
    }
  }
  if (site.storage.primary === site.storage.secondary) {
    bad(['storage', 'secondary'], 'is the same path as storage.primary', 'use separate exports, like /export/primary and /export/secondary');
  }

  if (!(SUPPORTED_CLOUDSTACK_VERSIONS as readonly string[]).includes(site.cloudstack.version)) {
    bad(['cloudstack', 'version'], `CloudStack ${site.cloudstack.version} is not a version this runbook covers`, `use "${SUPPORTED_CLOUDSTACK_VERSIONS.join('" or "')}" (quoted, so YAML keeps it text)`);
  }
  checkUrl(['cloudstack', 'repository'], site.cloudstack.repository, bad);
  checkUrl(['cloudstack', 'mysqlRepository'], site.cloudstack.mysqlRepository, bad);
  if (site.cloudstack.endpoint !== undefined) checkUrl(['cloudstack', 'endpoint'], site.cloudstack.endpoint, bad);
  if (site.cloudstack.ca !== undefined && !existsSync(expandHome(site.cloudstack.ca))) {
    bad(['cloudstack', 'ca'], `the CA file ${site.cloudstack.ca} does not exist`, 'name a PEM file holding the CA that signed the API endpoint certificate');
  }

  // Key files: a missing one is only a warning, since `check` may run where the keys are not.
  const identities: [FieldPath, string | undefined][] = [
    [['ssh', 'identity'], site.ssh.identity],
    [['management', 'ssh', 'identity'], site.management.ssh?.identity],
    ...site.hosts.map((h, i): [FieldPath, string | undefined] => [['hosts', i, 'ssh', 'identity'], h.ssh?.identity]),
  ];
  for (const [path, identity] of identities) {
    if (identity && !existsSync(expandHome(identity))) {
      warnings.push({ path, message: `the key file ${identity} does not exist here`, fix: 'create it with ssh-keygen -t ed25519, or name the key you use; without it the installer tries ssh-agent' });
    }
  }
  return { errors, warnings };
}

function checkVlans(text: string, bad: (p: FieldPath, m: string, f: string) => void) {
  const match = /^(\d{1,4})-(\d{1,4})$/.exec(text.trim());
  const path = ['zone', 'guestVlans'];
  if (!match) return bad(path, `"${text}" is not a VLAN range`, 'write first-last, like 100-200');
  const [start, end] = [Number(match[1]), Number(match[2])];
  if (start < 1 || end > 4094) return bad(path, `${text} goes outside 1-4094`, 'use VLAN ids from 1 to 4094');
  if (start > end) return bad(path, `${text} starts after it ends`, `write it as ${end}-${start}`);
}

function checkUrl(path: FieldPath, text: string, bad: (p: FieldPath, m: string, f: string) => void) {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || /\s/.test(text)) {
    bad(path, `"${text}" is not an http(s) URL`, 'write a URL starting with https:// (or http://)');
  }
}

function pathText(path: FieldPath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

export type { Cidr };
