// How each `on=` role is named for the reader (DESIGN.md section 3).
export interface RoleLabel {
  key: string;
  label: string;
  note?: string;
}

const ROLE_LABELS: Record<string, RoleLabel> = {
  management: { key: 'management', label: 'Management server' },
  kvm: {
    key: 'kvm',
    label: 'Every KVM host',
    note: 'the management server itself in an all-in-one cloud',
  },
  all: { key: 'all', label: 'Every machine', note: 'the management server and every KVM host' },
  api: {
    key: 'api',
    label: 'The CloudStack API',
    note: 'with CloudMonkey (cmk) from any machine that reaches it; the installer uses its own API client',
  },
};

export function roleOf(on: string): RoleLabel {
  return ROLE_LABELS[on] ?? { key: 'unknown', label: on || 'unspecified' };
}
