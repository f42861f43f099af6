// Text from a site file (a name, a value quoted in a problem) may hold control characters; Ink
// passes OSC and colour sequences through to the terminal, so `name: "\e]0;x\a"` would retitle
// the window. Every string the wizard draws goes through this: control characters shown as
// visible escapes, never sent.

const NAMED: Record<string, string> = { '\t': '\\t', '\r': '\\r', '\u001B': '\\e', '\u0007': '\\a', '\b': '\\b' };

// C0 controls except the newline, DEL, C1 controls, and the bidirectional overrides that make a
// line read differently from what it holds.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

export function printable(text: string): string {
  return text.replace(CONTROL, (ch) => NAMED[ch] ?? `\\u{${ch.codePointAt(0)!.toString(16)}}`);
}
