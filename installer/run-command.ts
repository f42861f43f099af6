// Runs one command module and turns its outcome into the exit code the contract names:
// 0 success, 1 failure, 2 bad input. Bad input prints one line per problem, never a stack.
import { InputError, formatProblem } from '../src/diagnostics.ts';
import { t } from '../src/i18n/translate.ts';
import { RUNBOOK_COMMAND } from '../src/runbook-command.ts';
import { err } from './output.ts';

export interface CommandModule<O> {
  run(options: O): Promise<number> | number;
}

export async function runCommand<O>(load: () => Promise<CommandModule<O>>, options: O): Promise<void> {
  try {
    const module = await load();
    process.exitCode = await module.run(options);
  } catch (error) {
    if (error instanceof InputError) {
      for (const p of error.problems) err(`${formatProblem(p)}\n`);
      const n = error.problems.length;
      err(`${n === 1 ? t('1 problem found; nothing was changed.') : t('{n} problems found; nothing was changed.', { n })}\n`);
      process.exitCode = 2;
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    err(`${RUNBOOK_COMMAND}: ${message}\n`);
    if (process.env.RUNBOOK_DEBUG && error instanceof Error) err(`${error.stack}\n`);
    process.exitCode = 1;
  }
}
