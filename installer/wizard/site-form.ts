// The site screen's fields: read from the site file's YAML document, written back into the
// same document with the `yaml` Document API (so the operator's comments stay), and each
// field's problems picked out of what `runbook check` says about the whole file.
import { isDeepStrictEqual } from 'node:util';
import { isMap, isScalar, isSeq, parse, parseDocument, type Document } from 'yaml';
import type { Problem } from '../../src/diagnostics.ts';
import { siteTemplate } from '../../src/site-file/template.ts';
import { t } from '../../src/i18n/translate.ts';

export type FieldKey =
  | 'name' | 'network.interface' | 'network.cidr' | 'network.gateway' | 'network.dns'
  | 'management.address' | 'management.hostname' | 'hosts' | 'ssh.user' | 'ssh.identity'
  | 'zone.name' | 'zone.public' | 'zone.pod' | 'zone.guestVlans';

export interface FieldSpec {
  key: FieldKey;
  label: () => string;
  help: () => string;
  /** The value when the file does not say: the site schema's default. */
  fallback: string;
}

export const FIELDS: FieldSpec[] = [
  { key: 'name', label: () => t('Site name'), help: () => t('A short name for this cloud.'), fallback: 'cloud' },
  { key: 'network.interface', label: () => t('Interface'), help: () => t('The interface that carries each machine\'s address today (`ip link`).'), fallback: 'eth0' },
  { key: 'network.cidr', label: () => t('Network'), help: () => t('The cloud\'s network as address/prefix, e.g. 172.16.10.0/24.'), fallback: '172.16.10.0/24' },
  { key: 'network.gateway', label: () => t('Gateway'), help: () => t('The router of that network.'), fallback: '172.16.10.1' },
  { key: 'network.dns', label: () => t('DNS servers'), help: () => t('One or two addresses, separated by commas.'), fallback: '8.8.8.8, 8.8.4.4' },
  { key: 'management.address', label: () => t('Management IP'), help: () => t('The CloudStack management server (also database and NFS server).'), fallback: '172.16.10.2' },
  { key: 'management.hostname', label: () => t('Management name'), help: () => t('Its short host name, e.g. cloudstack-mgmt.'), fallback: 'cloudstack-mgmt' },
  { key: 'hosts', label: () => t('KVM hosts'), help: () => t('"address name" pairs separated by commas, e.g. 172.16.10.3 kvm1; empty means all-in-one.'), fallback: '' },
  { key: 'ssh.user', label: () => t('SSH user'), help: () => t('The user the installer logs in as (root, or one with passwordless sudo).'), fallback: 'root' },
  { key: 'ssh.identity', label: () => t('SSH key'), help: () => t('Private key file; leave empty to use ssh-agent.'), fallback: '' },
  { key: 'zone.name', label: () => t('Zone name'), help: () => t('The CloudStack zone to create.'), fallback: 'Zone1' },
  { key: 'zone.public', label: () => t('Public range'), help: () => t('first-last addresses for system VMs and virtual routers.'), fallback: '172.16.10.11-172.16.10.20' },
  { key: 'zone.pod', label: () => t('Pod range'), help: () => t('first-last management addresses for system VMs.'), fallback: '172.16.10.21-172.16.10.30' },
  { key: 'zone.guestVlans', label: () => t('Guest VLANs'), help: () => t('first-last VLAN ids for guest networks, e.g. 100-200.'), fallback: '100-200' },
];

export type FormValues = Record<FieldKey, string>;

const pathOf = (key: FieldKey): string[] => key.split('.');

/** The text to start from: the existing file, or the commented template `runbook init` writes. */
export function startingText(existing: string | undefined): string {
  return existing ?? siteTemplate({ allInOne: false });
}

/**
 * Can the form edit this text? Not when the YAML has errors (a tab indent, a duplicate key),
 * when its aliases expand too far, or when its shape leaves no place for a field's value
 * (`network: 5`): then the site screen shows the problems instead of the form.
 */
export function siteEditable(text: string): boolean {
  try {
    const doc = parseDocument(text);
    if (doc.errors.length > 0) return false;
    const contents = doc.contents;
    if (contents !== null && !isMap(contents)) return false;
    doc.toJS();
    const values = valuesFromText(text);
    applyValues(text, values);
    // Every field must have a place to go once the operator changes it.
    const changed = Object.fromEntries(FIELDS.map((f) => [f.key, f.key === 'hosts' ? '192.0.2.9 probe' : `${values[f.key]}9`])) as FormValues;
    applyValues(text, changed);
    return true;
  } catch {
    return false;
  }
}

export function valuesFromText(text: string): FormValues {
  const doc = parseDocument(text);
  const values = {} as FormValues;
  for (const field of FIELDS) {
    const node = doc.getIn(pathOf(field.key), true);
    if (field.key === 'hosts') {
      const hosts = doc.toJS()?.hosts;
      values.hosts = Array.isArray(hosts)
        ? hosts.map((h: { address?: unknown; hostname?: unknown }) => `${String(h?.address ?? '')} ${String(h?.hostname ?? '')}`.trim()).join(', ')
        : node === undefined ? field.fallback : '';
    } else if (field.key === 'network.dns') {
      values[field.key] = isSeq(node) ? node.items.map((i) => String(isScalar(i) ? i.value : i)).join(', ') : field.fallback;
    } else if (isScalar(node)) {
      values[field.key] = String(node.value ?? '');
    } else {
      values[field.key] = field.fallback;
    }
  }
  return values;
}

function setScalar(doc: Document, path: (string | number)[], value: string): void {
  // `network:` with nothing after it is a null the value can go under: make it a map first.
  const parent = path.slice(0, -1);
  const above = parent.length > 0 ? doc.getIn(parent, true) : undefined;
  if (isScalar(above) && above.value === null) doc.setIn(parent, doc.createNode({}));
  const node = doc.getIn(path, true);
  if (isScalar(node)) node.value = value;
  else doc.setIn(path, value);
}

const splitList = (text: string) => text.split(',').map((s) => s.trim()).filter((s) => s !== '');

/** KVM host entries as typed: "address name, address name". */
export function parseHosts(text: string): { address: string; hostname: string }[] {
  return splitList(text).map((entry) => {
    const [address = '', hostname = ''] = entry.split(/\s+/);
    return { address, hostname };
  });
}

/** The site file text with the form's values set; comments and other keys stay as they were. */
export function applyValues(text: string, values: FormValues): string {
  const doc = parseDocument(text);
  for (const field of FIELDS) {
    const value = values[field.key].trim();
    const path = pathOf(field.key);
    // A field the file leaves out stays out while it holds the default it stands for.
    if (!doc.hasIn(path) && value === field.fallback) continue;
    if (field.key === 'network.dns') {
      const node = doc.getIn(path, true);
      const items = splitList(value).map((v) => doc.createNode(v));
      if (isSeq(node)) node.items = items;
      else doc.setIn(path, doc.createNode(splitList(value), { flow: true }));
    } else if (field.key === 'hosts') {
      setHosts(doc, parseHosts(value));
    } else if (field.key === 'ssh.identity' && value === '') {
      doc.deleteIn(path);
    } else {
      setScalar(doc, path, value);
    }
  }
  return doc.toString();
}

function setHosts(doc: Document, hosts: { address: string; hostname: string }[]): void {
  const node = doc.getIn(['hosts'], true);
  if (!isSeq(node)) {
    doc.setIn(['hosts'], hosts.length === 0 ? doc.createNode([], { flow: true }) : doc.createNode(hosts.map((h) => doc.createNode(h, { flow: true }))));
    return;
  }
  // Keep existing entries (and any `ssh:` override they carry); change only what was typed.
  hosts.forEach((h, i) => {
    if (i < node.items.length && isMap(node.items[i])) {
      setScalar(doc, ['hosts', i, 'address'], h.address);
      setScalar(doc, ['hosts', i, 'hostname'], h.hostname);
    } else {
      if (node.items.length === 0) node.flow = false;
      node.items.push(doc.createNode(h, { flow: true }));
    }
  });
  node.items.splice(hosts.length);
  if (node.items.length === 0) node.flow = true;
}

/** The problems that belong to one field (`hosts` takes every `hosts[i]...` problem). */
export function problemsFor(key: FieldKey, problems: Problem[]): Problem[] {
  return problems.filter((p) => {
    const f = p.field ?? '';
    if (key === 'hosts') return f === 'hosts' || f.startsWith('hosts[');
    if (key === 'network.dns') return f === key || f.startsWith('network.dns[');
    return f === key;
  });
}

/** Form-level checks the site file cannot express: a KVM host written without its name. */
export function formProblems(values: FormValues, file: string): Problem[] {
  const bad = parseHosts(values.hosts).filter((h) => h.hostname === '');
  return bad.map((h) => ({
    file,
    line: 0,
    field: 'hosts',
    message: t('"{entry}" has no host name', { entry: h.address }),
    fix: t('write each KVM host as address and name, like 172.16.10.3 kvm1'),
  }));
}

/** Do two site texts say the same thing (formatting and comments aside)? */
export function sameSite(a: string, b: string): boolean {
  try {
    return isDeepStrictEqual(parse(a), parse(b));
  } catch {
    return false;
  }
}
