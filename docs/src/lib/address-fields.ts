// The fields of the "Your addresses" form: site-file fields (DESIGN.md section 4), from which the
// engine's siteVariables() derives every variable a command uses. Shared by the form markup
// (server) and the client script.
export interface AddressField {
  /** Site-file path, e.g. `management.address`. */
  path: string;
  label: string;
  hint?: string;
  /** `list`: comma separated; `hosts`: one `address hostname` per line. */
  shape?: 'text' | 'list' | 'hosts';
}

export const ADDRESS_FIELDS: AddressField[] = [
  { path: 'management.address', label: 'Management server address' },
  { path: 'management.hostname', label: 'Management server host name' },
  {
    path: 'hosts',
    label: 'KVM hosts',
    hint: 'one "address hostname" per line; empty for an all-in-one cloud',
    shape: 'hosts',
  },
  {
    path: 'network.interface',
    label: 'Network interface',
    hint: 'the NIC the bridge cloudbr0 takes over',
  },
  { path: 'network.cidr', label: 'Network (CIDR)' },
  { path: 'network.gateway', label: 'Gateway' },
  { path: 'network.dns', label: 'DNS servers', hint: 'one or two, comma separated', shape: 'list' },
  { path: 'network.domain', label: 'DNS domain' },
  { path: 'zone.name', label: 'Zone name' },
  { path: 'zone.public', label: 'Public IP range', hint: 'first-last' },
  { path: 'zone.pod', label: 'Pod (system VM) IP range', hint: 'first-last' },
  { path: 'zone.guestVlans', label: 'Guest VLANs', hint: 'first-last' },
];

/**
 * Form values (strings keyed by path) over the default site → a site object for siteSchema.
 * Empty fields keep the default.
 */
export function siteFromFields(
  values: Record<string, string>,
  defaults: object,
): Record<string, unknown> {
  const site = JSON.parse(JSON.stringify(defaults)) as Record<
    string,
    Record<string, unknown> | unknown[]
  >;
  for (const field of ADDRESS_FIELDS) {
    const raw = (values[field.path] ?? '').trim();
    if (field.shape === 'hosts') {
      site.hosts = raw
        .split('\n')
        .map((line) => line.trim().split(/\s+/))
        .filter((parts) => parts[0])
        .map(([address, hostname]) => ({ address, hostname: hostname ?? '' }));
      continue;
    }
    if (!raw) continue;
    const [group, key] = field.path.split('.') as [string, string];
    const target = (site[group] ??= {}) as Record<string, unknown>;
    target[key] = field.shape === 'list' ? raw.split(/[\s,]+/).filter(Boolean) : raw;
  }
  return site;
}
