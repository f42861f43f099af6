// Runs one command module and turns its outcome into the exit code the contract names:
// 0 success, 1 failure, 2 bad input. Bad input prints one line per problem, never a stack.
import { InputError, formatProblem } from '../src/diagnostics.ts';

export interface CommandModule<O> {
  run(options: O): Promise<number> | number;
}

export async function runCommand<O>(load: () => Promise<CommandModule<O>>, options: O): Promise<void> {
  try {
    const module = await load();
    process.exitCode = await module.run(options);
  } catch (error) {
    if (error instanceof InputError) {
      for (const p of error.problems) process.stderr.write(`${formatProblem(p)}\n`);
      process.stderr.write(`${error.problems.length} problem${error.problems.length === 1 ? '' : 's'} found; nothing was changed.\n`);
      process.exitCode = 2;
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`runbook: ${message}\n`);
    if (process.env.RUNBOOK_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    process.exitCode = 1;
  }
}
