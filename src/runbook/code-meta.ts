// The info string after a code fence's language: `title="/etc/x.conf" mode=0640 owner=root:root norun`.

export interface CodeMeta {
  flags: Set<string>;
  values: Record<string, string>;
}

const TOKEN = /([A-Za-z][\w-]*)(?:=(?:"([^"]*)"|'([^']*)'|(\S+)))?/g;

export function parseCodeMeta(meta: string | null | undefined): CodeMeta {
  const flags = new Set<string>();
  const values: Record<string, string> = {};
  for (const match of (meta ?? '').matchAll(TOKEN)) {
    const value = match[2] ?? match[3] ?? match[4];
    if (value === undefined) flags.add(match[1]!);
    else values[match[1]!] = value;
  }
  return { flags, values };
}
