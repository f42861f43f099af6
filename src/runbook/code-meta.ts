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

/**
 * What a block shown to the reader but never run is (DESIGN.md section 3): `norun` a command the
 * reader types by hand, `output` what the reader should see. Neither is executed, exported or
 * planned; undefined for a block the installer runs.
 */
export function displayOnly(meta: CodeMeta): 'norun' | 'output' | undefined {
  if (meta.flags.has('output')) return 'output';
  if (meta.flags.has('norun')) return 'norun';
  return undefined;
}
