// Where a field of a YAML document is, as a 1-based line and column, for messages like
// `site.yaml:7:12: network.gateway: ...`. Missing fields point at their nearest parent.
import { isMap, isSeq, isScalar, type Document, type LineCounter, type Node } from 'yaml';

export type FieldPath = (string | number)[];

export function fieldName(path: FieldPath): string {
  return path.reduce<string>(
    (name, part) => (typeof part === 'number' ? `${name}[${part}]` : name ? `${name}.${part}` : part),
    '',
  );
}

/** Offset of the node at `path`, or of the key itself when `atKey` (for unknown keys). */
function offsetOf(doc: Document, path: FieldPath, atKey: boolean): number {
  let node: unknown = doc.contents;
  let offset = (doc.contents as Node | null)?.range?.[0] ?? 0;
  for (let i = 0; i < path.length; i++) {
    const part = path[i]!;
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(part));
      if (!pair) return offset;
      if (last && atKey && isScalar(pair.key) && pair.key.range) return pair.key.range[0];
      node = pair.value;
      const range = (pair.value as Node | null)?.range ?? (pair.key as Node | null)?.range;
      if (range) offset = range[0];
    } else if (isSeq(node) && typeof part === 'number') {
      const item = node.items[part] as Node | undefined;
      if (!item) return offset;
      node = item;
      if (item.range) offset = item.range[0];
    } else {
      return offset;
    }
  }
  return offset;
}

export function positionOf(
  doc: Document,
  lines: LineCounter,
  path: FieldPath,
  atKey = false,
): { line: number; column: number } {
  const { line, col } = lines.linePos(offsetOf(doc, path, atKey));
  return { line, column: col };
}
