// A translated label with `{{name}}` placeholders, split so a component can put an element (a
// `<code>` span, a link) where each placeholder stands, in whatever order the language needs.
export type LabelPiece = { text: string } | { name: string };

export function labelPieces(text: string): LabelPiece[] {
  const pieces: LabelPiece[] = [];
  let last = 0;
  for (const match of text.matchAll(/\{\{(\w+)\}\}/g)) {
    if (match.index > last) pieces.push({ text: text.slice(last, match.index) });
    pieces.push({ name: match[1]! });
    last = match.index + match[0].length;
  }
  if (last < text.length) pieces.push({ text: text.slice(last) });
  return pieces;
}

/** `{{name}}` → value, for labels that are plain text. */
export function fillLabel(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  );
}
