// Keys that a slow line splits (a serial console, Serial-over-LAN): Ink alone reads the ESC of
// a cut Up arrow as Esc ("back" on every screen); through WholeKeysStdin it is Up again.
import { PassThrough, Writable } from 'node:stream';
import React from 'react';
import { render, Text, useInput } from 'ink';
import { afterEach, describe, expect, it } from 'vitest';
import { cutOffSequence, ESCAPE_WAIT_MS, WholeKeysStdin } from '../../installer/wizard/whole-keys-stdin.ts';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A terminal's stdin as Ink uses it: raw mode and ref/unref do nothing here. */
function fakeTerminalStdin(): NodeJS.ReadStream {
  const s = new PassThrough() as unknown as NodeJS.ReadStream & Record<string, unknown>;
  s.isTTY = true;
  s.setRawMode = () => s;
  s.ref = () => s;
  s.unref = () => s;
  return s;
}

function fakeStdout(): NodeJS.WriteStream {
  const out = new Writable({ write: (_c, _e, done) => done() }) as unknown as NodeJS.WriteStream & Record<string, unknown>;
  out.columns = 80;
  out.rows = 24;
  out.isTTY = true;
  return out;
}

function KeyLog(props: { seen: string[] }): React.ReactElement {
  useInput((input, key) => {
    if (key.upArrow) props.seen.push('up');
    else if (key.escape) props.seen.push('escape');
    else props.seen.push(`text:${input}`);
  });
  return React.createElement(Text, null, 'keys');
}

const unmounts: (() => void)[] = [];
afterEach(() => {
  for (const u of unmounts.splice(0)) u();
});

async function keysSeen(wrap: boolean, chunks: { text: string; after: number }[]): Promise<string[]> {
  const source = fakeTerminalStdin();
  const stdin = wrap ? new WholeKeysStdin(source) : source;
  const seen: string[] = [];
  const app = render(React.createElement(KeyLog, { seen }), {
    stdin: stdin as unknown as NodeJS.ReadStream,
    stdout: fakeStdout(),
    exitOnCtrlC: false,
    patchConsole: false,
  });
  unmounts.push(() => {
    app.unmount();
    if (stdin instanceof WholeKeysStdin) stdin.release();
  });
  await pause(50);
  for (const c of chunks) {
    await pause(c.after);
    source.write(c.text);
  }
  await pause(ESCAPE_WAIT_MS + 100);
  return seen;
}

describe('keys split by a slow line', () => {
  it('Ink alone reads the ESC of a split Up arrow as Esc (why the wrapper exists)', async () => {
    const seen = await keysSeen(false, [
      { text: '\u001B', after: 0 },
      { text: '[A', after: 5 },
    ]);
    expect(seen[0]).toBe('escape');
  });

  it('through WholeKeysStdin a split Up arrow is Up, and nothing else', async () => {
    const seen = await keysSeen(true, [
      { text: '\u001B', after: 0 },
      { text: '[A', after: 5 },
    ]);
    expect(seen).toEqual(['up']);
  });

  it('a CSI split after its parameters is one key; text before it comes at once', async () => {
    const seen = await keysSeen(true, [
      { text: 'a\u001B[', after: 0 },
      { text: 'A', after: 5 },
    ]);
    expect(seen).toEqual(['text:a', 'up']);
  });

  it('Esc pressed alone still reaches the screens, after the short wait', async () => {
    expect(await keysSeen(true, [{ text: '\u001B', after: 0 }])).toEqual(['escape']);
  });
});

describe('cutOffSequence', () => {
  it.each([
    ['\u001B', 0],
    ['ab\u001B[', 2],
    ['\u001BO', 0],
    ['x\u001B[1;5', 1],
  ])('%j ends inside an escape sequence at %i', (text, at) => {
    expect(cutOffSequence(text)).toBe(at);
  });
  it.each(['', 'abc', '\u001B[A', '\u001BOP', '\u001B[15~', 'a\u001B[1;5C'])('%j ends with a whole key', (text) => {
    expect(cutOffSequence(text)).toBe(-1);
  });
});
