// Questions on the terminal, one at a time even when several machines connect at once.
import { createInterface } from 'node:readline';

let questions: Promise<unknown> = Promise.resolve();

/** Asks on stderr and reads a line from stdin; `hidden` does not echo what is typed (passwords). */
export function ask(question: string, hidden = false): Promise<string> {
  const answer = questions.then(
    () =>
      new Promise<string>((resolve) => {
        const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
        if (hidden) {
          const internals = rl as unknown as { _writeToOutput: (s: string) => void };
          const write = internals._writeToOutput;
          internals._writeToOutput = (s: string) => {
            if (s.startsWith(question)) write.call(rl, s);
          };
        }
        rl.question(question, (text) => {
          rl.close();
          if (hidden) process.stderr.write('\n');
          resolve(text);
        });
      }),
  );
  questions = answer.catch(() => undefined);
  return answer;
}

/** `ask`, when there is a terminal to ask on. */
export function terminalAsk(): ((question: string) => Promise<string>) | undefined {
  return process.stdin.isTTY ? (question) => ask(question) : undefined;
}
