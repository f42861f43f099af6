// Text from input files (a site file, a runbook page) or from a machine (command output) may hold
// bytes a terminal obeys: ESC sequences that retitle the window, clear the screen or move the
// cursor, a carriage return that overwrites what was printed, bidirectional overrides that show
// text in another order than it runs. Every message the CLI prints goes through `printable`, so
// such bytes show as visible escapes (`\e]0;x\a`) instead of acting on the operator's terminal.

// C0 controls except tab and newline, DEL, C1 controls, and Unicode's bidirectional and
// invisible formatting characters (the "Trojan Source" set, zero-width characters, the BOM).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

const NAMED: Record<string, string> = {
  '\u001b': '\\e',
  '\u0007': '\\a',
  '\b': '\\b',
  '\r': '\\r',
  '\f': '\\f',
  '\v': '\\v',
  '\u0000': '\\0',
};

function escape(char: string): string {
  const named = NAMED[char];
  if (named) return named;
  const code = char.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** The characters of `text` a terminal would act on or not show (newline and tab included). */
export function unsafeCharacters(text: string): string[] {
  return [...new Set(text.match(/[\n\t]/g) ?? [])].concat([...new Set(text.match(UNSAFE) ?? [])]);
}

/** `text` with every byte a terminal would act on (except newline and tab) shown as an escape. */
export function printable(text: string): string {
  return text.replace(UNSAFE, escape);
}

/** One line of text: as `printable`, and newlines and tabs escaped too (a value inside a message). */
export function printableInline(text: string): string {
  return printable(text).replace(/\n/g, '\\n').replace(/\t/g, '\\t');
}

/**
 * JSON text (one `JSON.stringify` result, or lines of them) with the same characters as
 * `\uXXXX` escapes, which keep it valid JSON: JSON.stringify escapes C0 controls itself but
 * leaves DEL, C1 and the bidirectional characters raw.
 */
export function printableJson(json: string): string {
  return json.replace(UNSAFE, (c) => (c === '\n' || c === '\t' ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}
