// `{name}` placeholders, shared by t() and the catalogs a page build reads.
export function fillPlaceholders(text: string, values?: Record<string, string | number>): string {
  if (!values) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/** Marks a string for extraction into installer.pot where it is translated later (gettext's N_). */
export function N_(msgid: string): string {
  return msgid;
}
