// node-pandoc as a promise. node-pandoc reports each stderr chunk as an error and never the exit
// status, so stderr is collected as messages and success is judged by the output.
import { createRequire } from 'node:module';

type PandocCallback = (error: Error | null, result?: string | boolean) => void;
const nodePandoc = createRequire(import.meta.url)('node-pandoc') as (
  src: string,
  args: string[],
  callback: PandocCallback,
) => void;

export interface PandocResult {
  /** Standard output ('' when pandoc wrote a file or nothing). */
  output: string;
  /** What pandoc printed on stderr (warnings, or the error when output is empty). */
  messages: string;
}

/** `input` is a file path or, when no such file exists, the document text itself. */
export function pandoc(input: string, args: string[]): Promise<PandocResult> {
  return new Promise((done) => {
    const messages: string[] = [];
    let settled = false;
    nodePandoc(input, args, (error, result) => {
      if (error) {
        messages.push(error.message);
        return;
      }
      if (settled) return;
      settled = true;
      done({
        output: typeof result === 'string' ? result : '',
        messages: messages.join('').trim(),
      });
    });
  });
}
