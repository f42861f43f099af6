// Where the CLI's text goes. Everything printed passes through `printable` (src/printable.ts):
// values from a site file or a machine's output never act on the terminal. A reader that
// stops early (`runbook status | head -1`) ends the program quietly, not with an EPIPE trace.

import { printable, printableJson } from '../src/printable.ts';

export type Write = (text: string) => void;

export const out: Write = (text) => void process.stdout.write(printable(text));
export const err: Write = (text) => void process.stderr.write(printable(text));

/** Exit quietly once the reading end of stdout or stderr has gone away. */
export function quietOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      // What was asked for was read; the rest has no reader. Exit as `head` expects.
      process.exit(process.exitCode ?? 0);
    });
  }
}

/** JSON lines on stdout, with the characters a terminal would act on as `\uXXXX` escapes. */
export const outJson: Write = (text) => void process.stdout.write(printableJson(text));
