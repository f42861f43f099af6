// The fields of the "Your addresses" form: site-file fields (DESIGN.md section 4), from which the
// engine's siteVariables() derives every variable a command uses. Shared by the form markup
// (server) and the client script. Labels and hints are UI strings (content/i18n/en.json):
// `runbook.addresses.field.<path>` and `runbook.addresses.hint.<path>`.
export interface AddressField {
  /** Site-file path, e.g. `management.address`. */
  path: string;
  /** The field has a hint (`runbook.addresses.hint.<path>`). */
  hint?: boolean;
  /** `list`: comma separated; `hosts`: one `address hostname` per line. */
  shape?: 'text' | 'list' | 'hosts';
}

export const ADDRESS_FIELDS: AddressField[] = [
  { path: 'management.address' },
  { path: 'management.hostname' },
  { path: 'hosts', hint: true, shape: 'hosts' },
  { path: 'network.interface', hint: true },
  { path: 'network.cidr' },
  { path: 'network.gateway' },
  { path: 'network.dns', hint: true, shape: 'list' },
  { path: 'network.domain' },
  { path: 'zone.name' },
  { path: 'zone.public', hint: true },
  { path: 'zone.pod', hint: true },
  { path: 'zone.guestVlans', hint: true },
];

export const fieldLabelKey = (field: AddressField) => `runbook.addresses.field.${field.path}`;
export const fieldHintKey = (field: AddressField) => `runbook.addresses.hint.${field.path}`;

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
