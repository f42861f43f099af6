// Line editing as terminals do it (readline's keys), as a pure function over what the terminal
// sent: Ink's input parser hands over escape sequences one by one and plain bytes in runs, so a
// held Backspace arrives as "\x7f\x7f\x7f" and a pasted line as one string. Every byte of a run
// is a key of its own; control bytes edit or are dropped, never typed into the value.

export interface EditState {
  value: string;
  /** Cursor position in characters (code points), 0..length. */
  cursor: number;
}

export interface EditResult extends EditState {
  /** Enter was pressed (the run may have held text before it). */
  submit?: boolean;
}

const HOME = new Set(['\u001B[H', '\u001BOH', '\u001B[1~', '\u001B[7~']);
const END = new Set(['\u001B[F', '\u001BOF', '\u001B[4~', '\u001B[8~']);
const LEFT = new Set(['\u001B[D', '\u001BOD']);
const RIGHT = new Set(['\u001B[C', '\u001BOC']);
const WORD_LEFT = new Set(['\u001B[1;5D', '\u001B[1;3D', '\u001Bb']);
const WORD_RIGHT = new Set(['\u001B[1;5C', '\u001B[1;3C', '\u001Bf']);
const DELETE = '\u001B[3~';

const chars = (s: string) => [...s];

function wordStartBefore(c: string[], cursor: number): number {
  let i = cursor;
  while (i > 0 && /\s/.test(c[i - 1]!)) i--;
  while (i > 0 && !/\s/.test(c[i - 1]!)) i--;
  return i;
}

function wordEndAfter(c: string[], cursor: number): number {
  let i = cursor;
  while (i < c.length && /\s/.test(c[i]!)) i++;
  while (i < c.length && !/\s/.test(c[i]!)) i++;
  return i;
}

/** One key (a single byte or character of a run) applied to the state. */
function applyChar(state: EditResult, ch: string): EditResult {
  const c = chars(state.value);
  const at = state.cursor;
  const set = (next: string[], cursor: number): EditResult => ({ ...state, value: next.join(''), cursor });
  switch (ch) {
    case '\r':
    case '\n':
      return { ...state, submit: true };
    case '\u007F': // Backspace (DEL)
    case '\b': // Backspace (Ctrl-H)
      return at === 0 ? state : set([...c.slice(0, at - 1), ...c.slice(at)], at - 1);
    case '\u0004': // Ctrl-D: delete the character under the cursor
      return at >= c.length ? state : set([...c.slice(0, at), ...c.slice(at + 1)], at);
    case '\u0001': // Ctrl-A
      return { ...state, cursor: 0 };
    case '\u0005': // Ctrl-E
      return { ...state, cursor: c.length };
    case '\u0002': // Ctrl-B
      return { ...state, cursor: Math.max(0, at - 1) };
    case '\u0006': // Ctrl-F
      return { ...state, cursor: Math.min(c.length, at + 1) };
    case '\u0015': // Ctrl-U: delete to the start of the line
      return set(c.slice(at), 0);
    case '\u000B': // Ctrl-K: delete to the end of the line
      return set(c.slice(0, at), at);
    case '\u0017': {
      // Ctrl-W: delete the word before the cursor
      const start = wordStartBefore(c, at);
      return set([...c.slice(0, start), ...c.slice(at)], start);
    }
  }
  // Every other control character (Ctrl-S, Ctrl-L, Tab, a stray ESC, C1 controls) does nothing.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001F\u007F-\u009F]/.test(ch)) return state;
  return set([...c.slice(0, at), ch, ...c.slice(at)], at + 1);
}

/** What the terminal sent (one event from Ink's input parser), applied to the field. */
export function applyInput(state: EditState, input: string): EditResult {
  const c = chars(state.value);
  const at = Math.max(0, Math.min(state.cursor, c.length));
  const start: EditResult = { value: state.value, cursor: at };
  if (input.startsWith('\u001B') && input.length > 1) {
    if (HOME.has(input)) return { ...start, cursor: 0 };
    if (END.has(input)) return { ...start, cursor: c.length };
    if (LEFT.has(input)) return { ...start, cursor: Math.max(0, at - 1) };
    if (RIGHT.has(input)) return { ...start, cursor: Math.min(c.length, at + 1) };
    if (WORD_LEFT.has(input)) return { ...start, cursor: wordStartBefore(c, at) };
    if (WORD_RIGHT.has(input)) return { ...start, cursor: wordEndAfter(c, at) };
    if (input === DELETE) return applyChar(start, '\u0004');
    if (input === '\u001B\u007F' || input === '\u001B\b') {
      // Alt-Backspace: delete the word before the cursor, as Ctrl-W
      return applyChar(start, '\u0017');
    }
    // Arrows up/down, function keys, bracketed-paste markers: not an edit.
    return start;
  }
  let state2 = start;
  for (const ch of input) {
    state2 = applyChar(state2, ch);
    if (state2.submit) break;
  }
  return state2;
}
