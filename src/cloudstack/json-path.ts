// `capture="ZONE_ID=id POD_ID=pod.id FIRST=host[0].name"`: a small path language over the
// unwrapped response. Dots for fields, [n] for list items; a path starting with [n] indexes
// a list response.

export function evaluatePath(value: unknown, path: string): unknown {
  const tokens = path.match(/[^.[\]]+|\[\d+\]/g);
  if (!tokens) throw new Error(`"${path}" is not a path (write e.g. id or host[0].id)`);
  let current: unknown = value;
  for (const token of tokens) {
    if (current === undefined || current === null) return undefined;
    if (token.startsWith('[')) {
      if (!Array.isArray(current)) return undefined;
      current = current[Number(token.slice(1, -1))];
    } else if (Array.isArray(current)) {
      // A field on a one-item list means the item's field (addHost answers with a list).
      current = current.length === 1 ? (current[0] as Record<string, unknown>)?.[token] : undefined;
    } else if (typeof current === 'object') {
      current = (current as Record<string, unknown>)[token];
    } else {
      return undefined;
    }
  }
  return current;
}
