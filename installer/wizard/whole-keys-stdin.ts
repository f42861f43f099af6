// The keyboard as Ink should see it: whole keys. Ink waits for the rest of an escape sequence
// only until the event loop's next turn, so when a slow line splits a key (a serial console at
// 115200 baud, IPMI Serial-over-LAN, a laggy SSH session), Up arrives as a lone ESC, which the
// screens read as "back", and then "[A" as typed text. Terminals solve this with a short wait
// (ncurses' ESCDELAY, vim's ttimeoutlen); this stream does the same in front of Ink: a chunk
// that ends inside an escape sequence is held back until the rest comes or ESCAPE_WAIT_MS pass.
import { Readable } from 'node:stream';

/** How long a cut-off escape sequence waits for its rest; a lone Esc press takes this long. */
export const ESCAPE_WAIT_MS = 100;

const ESC = '\u001B';

/**
 * Where `text` ends inside an escape sequence: the index of that sequence's ESC, or -1 when
 * the text ends with a whole key. Cut off are: ESC alone, ESC [ or ESC O alone, and a CSI
 * (ESC [ parameters...) still missing its final byte.
 */
export function cutOffSequence(text: string): number {
  const at = text.lastIndexOf(ESC);
  if (at === -1) return -1;
  const rest = text.slice(at + 1);
  if (rest === '' || rest === 'O') return at;
  // ESC [ then parameter and intermediate bytes (0x20–0x3F) only: the final byte (0x40–0x7E) is still to come.
  if (rest.startsWith('[') && /^[\x20-\x3F]*$/.test(rest.slice(1))) return at;
  return -1;
}

/** A stdin for Ink's render() that hands over whole keys (see the top of this file). */
export class WholeKeysStdin extends Readable {
  readonly isTTY: boolean;
  private held = '';
  private timer: NodeJS.Timeout | undefined;
  private readonly source: NodeJS.ReadStream;
  private readonly waitMs: number;
  private readonly onData = (chunk: string) => this.hold(chunk);
  private readonly onEnd = () => this.push(null);

  constructor(source: NodeJS.ReadStream, waitMs = ESCAPE_WAIT_MS) {
    super({ encoding: 'utf8', read: () => undefined });
    this.source = source;
    this.waitMs = waitMs;
    this.isTTY = Boolean(source.isTTY);
    source.setEncoding('utf8');
    source.on('data', this.onData);
    source.on('end', this.onEnd);
  }

  private hold(chunk: string): void {
    clearTimeout(this.timer);
    const text = this.held + chunk;
    this.held = '';
    const cut = cutOffSequence(text);
    if (cut === -1) {
      this.push(text);
      return;
    }
    if (cut > 0) this.push(text.slice(0, cut));
    this.held = text.slice(cut);
    this.timer = setTimeout(() => {
      const held = this.held;
      this.held = '';
      if (held) this.push(held);
    }, this.waitMs);
  }

  // What Ink calls on a terminal's stdin, passed on to the real one.
  setRawMode(mode: boolean): this {
    this.source.setRawMode?.(mode);
    return this;
  }
  ref(): this {
    this.source.ref?.();
    return this;
  }
  unref(): this {
    this.source.unref?.();
    return this;
  }

  /** Stops reading the real stdin (after the app ended), so it is left as it was found. */
  release(): void {
    clearTimeout(this.timer);
    this.source.off('data', this.onData);
    this.source.off('end', this.onEnd);
    this.source.pause();
  }
}
