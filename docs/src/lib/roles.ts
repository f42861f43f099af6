// How each `on=` role is named for the reader (DESIGN.md section 3). The words live in
// content/i18n/<lang>.json (runbook.role.*), so translations can name them too.
export interface RoleLabel {
  key: string;
  label: string;
  note?: string;
}

const ROLES_WITH_NOTES: Record<string, boolean> = {
  management: false,
  kvm: true,
  all: true,
  api: true,
};

export function roleOf(on: string, t: (key: string) => string): RoleLabel {
  if (!(on in ROLES_WITH_NOTES)) return { key: 'unknown', label: on || 'unspecified' };
  return {
    key: on,
    label: t(`runbook.role.${on}`),
    note: ROLES_WITH_NOTES[on] ? t(`runbook.role.${on}.note`) : undefined,
  };
}
