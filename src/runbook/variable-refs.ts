// `${NAME}` references in runbook text (DESIGN.md section 3): upper-case names are the engine's
// variables; lower-case ones belong to the script. The one definition of that syntax.

/** Global: use with `replace`/`matchAll` (both start from the beginning of the text). */
export const VARIABLE_REFERENCE = /\$\{([A-Z][A-Z0-9_]*)\}/g;

/** Names referenced in `text`, in order of appearance (repeats kept). */
export function variablesIn(text: string): string[] {
  return [...text.matchAll(VARIABLE_REFERENCE)].map((m) => m[1]!);
}

/** Replaces `${NAME}` for the names in `values`, once; other references stay as written. */
export function substitute(text: string, values: Record<string, string>): string {
  return text.replace(VARIABLE_REFERENCE, (whole, name: string) => values[name] ?? whole);
}
