// Reads a container directive's `{#id key="value" …}` block from the page source.
// Why: Sätteri (Astro 7's Markdown engine, 0.10) ends a quoted attribute value at the first `}`,
// so `check="test -d ${PRIMARY_EXPORT}"` arrives cut short. The engine's parser (remark-directive)
// reads it whole; the site must show the same command, so it re-reads the opening line itself.
const TOKEN =
  /#([^\s#.{}"'=]+)|\.([^\s#.{}"'=]+)|([A-Za-z_:][\w:.-]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`{}]+)))?/gy;

/** Attributes of the directive whose opening line starts at `offset`, or undefined when it has none. */
export function directiveAttributesAt(
  source: string,
  offset: number,
): Record<string, string> | undefined {
  const lineEnd = source.indexOf('\n', offset);
  const line = source.slice(offset, lineEnd === -1 ? undefined : lineEnd);
  const open = attributeBlockStart(line);
  if (open === -1) return undefined;
  const close = line.lastIndexOf('}');
  if (close <= open) return undefined;
  const body = line.slice(open + 1, close);
  const attributes: Record<string, string> = {};
  let position = 0;
  while (position < body.length) {
    const space = /\s+/y;
    space.lastIndex = position;
    if (space.exec(body)) {
      position = space.lastIndex;
      continue;
    }
    TOKEN.lastIndex = position;
    const match = TOKEN.exec(body);
    if (!match) return undefined;
    position = TOKEN.lastIndex;
    if (match[1] !== undefined) attributes.id = match[1];
    else if (match[2] !== undefined)
      attributes.class = attributes.class ? `${attributes.class} ${match[2]}` : match[2];
    else attributes[match[3]!] = match[4] ?? match[5] ?? match[6] ?? '';
  }
  return attributes;
}

/** Index of the `{` that opens the attribute block: after the `[label]` if there is one. */
function attributeBlockStart(line: string): number {
  const name = /^\s*:{3,}[A-Za-z][\w-]*/.exec(line);
  if (!name) return -1;
  let index = name[0].length;
  if (line[index] === '[') {
    let depth = 0;
    for (; index < line.length; index++) {
      const char = line[index];
      if (char === '\\') index++;
      else if (char === '[') depth++;
      else if (char === ']' && --depth === 0) break;
    }
    index++;
  }
  return line[index] === '{' ? index : -1;
}
