// The checks an operator would make on a site before touching a machine: addresses valid and
// inside the network, nothing used twice, ranges ordered and big enough, names well formed.
import { existsSync } from 'node:fs';
import { SUPPORTED_CLOUDSTACK_VERSIONS, type Site } from './schema.ts';
import type { FieldPath } from './positions.ts';
import { expandHome } from './paths.ts';
import { lookalikes } from './lookalikes.ts';
import { t } from '../i18n/translate.ts';
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

  const badName = (path: FieldPath, value: string, message: string, fix: string, lowercase = false) => {
    const odd = lookalikes(value, lowercase);
    if (!odd) return bad(path, message, fix);
    const characters = odd.characters.join(', ');
    if (odd.kind === 'invisible') {
      return bad(path, `${message}: ${t('it holds invisible or control characters ({characters})', { characters })}`, t('type it again without them; {fix}', { fix }));
    }
    bad(
      path,
      `${message}: ${t('{characters} is not a Latin letter, though it may look like one', { characters })}`,
      odd.latin ? t('type it again in Latin letters: {latin}', { latin: odd.latin }) : fix,
    );
  };

  if (!OBJECT_NAME.test(site.name)) {
    badName(['name'], site.name, t('"{value}" is not a usable site name', { value: site.name }), t('use letters, digits, spaces, dots, dashes (up to 64)'));
  }

  // The network everything else must sit in.
  const cidr = parseCidr(site.network.cidr);
  if (typeof cidr === 'string') bad(['network', 'cidr'], `"${site.network.cidr}" ${cidr}`, t('write the network as address/prefix, like 172.16.10.0/24'));
  const net = typeof cidr === 'string' ? undefined : cidr;
  const inNet = (ip: number) => (net ? isHostIn(net, ip) : true);
  const netText = site.network.cidr;

  if (!INTERFACE.test(site.network.interface)) {
    badName(['network', 'interface'], site.network.interface, t('"{value}" is not a network interface name', { value: site.network.interface }), t('use the name `ip link` shows, like eth0 or enp1s0 (at most 15 characters)'));
  } else if (site.network.interface === 'cloudbr0') {
    bad(['network', 'interface'], t('is the bridge the runbook creates, not the interface under it'), t('name the physical interface that carries the address today, like eth0'));
  }
  if (!DOMAIN.test(site.network.domain)) {
    badName(['network', 'domain'], site.network.domain, t('"{value}" is not a DNS domain', { value: site.network.domain }), t('use a domain like cloud.internal'), true);
  }
  site.network.dns.forEach((dns, i) => {
    if (!isIpv4(dns)) bad(['network', 'dns', i], t('"{value}" is not an IPv4 address', { value: dns }), t('write a DNS server address, like 8.8.8.8'));
  });

  // Single addresses: valid, inside the network, each used once.
  const used = new Map<number, string>();
  const address = (path: FieldPath, value: string, fix: string): number | undefined => {
    if (!isIpv4(value)) {
      bad(path, t('"{value}" is not an IPv4 address', { value }), fix);
      return undefined;
    }
    const ip = toNumber(value);
    if (!inNet(ip)) {
      bad(path, t('{value} is not a usable address in the network {network}', { value, network: netText }), t('pick an address inside {network} (not its first or last)', { network: netText }));
    }
    const owner = used.get(ip);
    if (owner) bad(path, t('{value} is already used by {owner}', { value, owner }), t('give every machine and the gateway its own address'));
    else used.set(ip, pathText(path));
    return ip;
  };
  address(['network', 'gateway'], site.network.gateway, t("write the gateway's address, like 172.16.10.1"));
  address(['management', 'address'], site.management.address, t("write the management server's address, like 172.16.10.2"));
  site.hosts.forEach((h, i) => address(['hosts', i, 'address'], h.address, t("write the KVM host's address, like 172.16.10.3")));

  // Host names: valid and distinct.
  const names = new Map<string, string>();
  const hostname = (path: FieldPath, value: string) => {
    if (!HOSTNAME.test(value)) {
      badName(path, value, t('"{value}" is not a valid host name', { value }), t('use letters, digits and dashes (no dots: the domain comes from network.domain), like kvm1'), true);
      return;
    }
    const lower = value.toLowerCase();
    const owner = names.get(lower);
    if (owner) bad(path, t('"{value}" is already the name of {owner}', { value, owner }), t('give every machine its own host name'));
    else names.set(lower, pathText(path));
  };
  hostname(['management', 'hostname'], site.management.hostname);
  site.hosts.forEach((h, i) => hostname(['hosts', i, 'hostname'], h.hostname));

  // Ranges: valid, inside the network, no machine inside, not overlapping, large enough.
  const range = (path: FieldPath, value: string, min: number, tooSmall: (size: number) => string, example: string): Range | undefined => {
    const r = parseRange(value);
    if (typeof r === 'string') {
      bad(path, `"${value}" ${r}`, t('write first-last, like {example}', { example }));
      return undefined;
    }
    if (!inNet(r.start) || !inNet(r.end)) {
      bad(path, t('{value} is not inside the network {network}', { value, network: netText }), t('keep the whole range inside {network}', { network: netText }));
    }
    const inside = [...used].filter(([ip]) => contains(r, ip)).map(([ip, owner]) => t('{address}, used by {owner}', { address: fromNumber(ip), owner }));
    if (inside.length > 0) {
      bad(path, t('{value} contains {addresses}', { value, addresses: inside.join('; ') }), t('move the range so no machine or the gateway falls inside it'));
    }
    if (rangeSize(r) < min) {
      bad(path, `${value} ${tooSmall(rangeSize(r))}`, t('widen it to at least {min} addresses', { min }));
    }
    return r;
  };
  const pub = range(
    ['zone', 'public'],
    site.zone.public,
    MIN_PUBLIC_ADDRESSES,
    (size) => t('has {size} address(es); the system VMs and the first virtual router need at least {min}', { size, min: MIN_PUBLIC_ADDRESSES }),
    '172.16.10.11-172.16.10.20',
  );
  const pod = range(
    ['zone', 'pod'],
    site.zone.pod,
    MIN_POD_ADDRESSES,
    (size) => t('has {size} address(es); the system VMs need at least {min}', { size, min: MIN_POD_ADDRESSES }),
    '172.16.10.21-172.16.10.30',
  );
  if (pub && pod && overlaps(pub, pod)) {
    bad(['zone', 'pod'], t('{pod} overlaps the public range {public}', { pod: site.zone.pod, public: site.zone.public }), t('give the pod and public ranges separate addresses'));
  }

  checkVlans(site.zone.guestVlans, bad);
  for (const key of ['name', 'podName', 'clusterName', 'physicalNetworkName'] as const) {
    if (!OBJECT_NAME.test(site.zone[key])) {
      badName(['zone', key], site.zone[key], t('"{value}" is not a usable CloudStack name', { value: site.zone[key] }), t('use letters, digits, spaces, dots and dashes (up to 64)'));
    }
  }
  for (const key of ['primary', 'secondary'] as const) {
    if (!EXPORT_PATH.test(site.storage[key])) {
      bad(['storage', key], t('"{value}" is not an absolute export path', { value: site.storage[key] }), t('use a path like /export/{name} (letters, digits, . _ - /)', { name: key }));
    }
  }
  if (site.storage.primary === site.storage.secondary) {
    bad(['storage', 'secondary'], t('is the same path as storage.primary'), t('use separate exports, like /export/primary and /export/secondary'));
  }

  if (!(SUPPORTED_CLOUDSTACK_VERSIONS as readonly string[]).includes(site.cloudstack.version)) {
    bad(
      ['cloudstack', 'version'],
      t('CloudStack {version} is not a version this runbook covers', { version: site.cloudstack.version }),
      t('write version: "{versions}" (quoted, so YAML keeps it text)', { versions: SUPPORTED_CLOUDSTACK_VERSIONS.join('" or "') }),
    );
  }
  checkUrl(['cloudstack', 'repository'], site.cloudstack.repository, bad);
  checkUrl(['cloudstack', 'mysqlRepository'], site.cloudstack.mysqlRepository, bad);
  if (site.cloudstack.endpoint !== undefined) checkUrl(['cloudstack', 'endpoint'], site.cloudstack.endpoint, bad);
  if (site.cloudstack.ca !== undefined && !existsSync(expandHome(site.cloudstack.ca))) {
    bad(['cloudstack', 'ca'], t('the CA file {file} does not exist', { file: site.cloudstack.ca }), t('name a PEM file holding the CA that signed the API endpoint certificate'));
  }

  // Key files: a missing one is only a warning, since `check` may run where the keys are not.
  const identities: [FieldPath, string | undefined][] = [
    [['ssh', 'identity'], site.ssh.identity],
    [['management', 'ssh', 'identity'], site.management.ssh?.identity],
    ...site.hosts.map((h, i): [FieldPath, string | undefined] => [['hosts', i, 'ssh', 'identity'], h.ssh?.identity]),
  ];
  for (const [path, identity] of identities) {
    if (identity && !existsSync(expandHome(identity))) {
      warnings.push({ path, message: t('the key file {file} does not exist here', { file: identity }), fix: t('create it with ssh-keygen -t ed25519, or name the key you use; without it the installer tries ssh-agent') });
    }
  }
  return { errors, warnings };
}

function checkVlans(text: string, bad: (p: FieldPath, m: string, f: string) => void) {
  const match = /^(\d{1,4})-(\d{1,4})$/.exec(text.trim());
  const path = ['zone', 'guestVlans'];
  if (!match) return bad(path, t('"{value}" is not a VLAN range', { value: text }), t('write first-last, like 100-200'));
  const [start, end] = [Number(match[1]), Number(match[2])];
  if (start < 1 || end > 4094) return bad(path, t('{value} goes outside 1-4094', { value: text }), t('use VLAN ids from 1 to 4094'));
  if (start > end) return bad(path, t('{value} starts after it ends', { value: text }), t('write it as {range}', { range: `${end}-${start}` }));
}

function checkUrl(path: FieldPath, text: string, bad: (p: FieldPath, m: string, f: string) => void) {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || /\s/.test(text)) {
    bad(path, t('"{value}" is not an http(s) URL', { value: text }), t('write a URL starting with https:// (or http://)'));
  }
}

function pathText(path: FieldPath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

export type { Cidr };
