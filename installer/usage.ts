// How the command line talks about itself: help in the operator's language, usage errors as
// one translated line plus a pointer to help, exit code 2 for every usage error (DESIGN.md §5,
// README: bad input exits 2). commander writes the English texts; they are re-said here.
import { Command, CommanderError, Help, type Option } from 'commander';
import { closest, distance } from 'fastest-levenshtein';
import { t } from '../src/i18n/translate.ts';
import { printableInline } from '../src/printable.ts';
import { RUNBOOK_COMMAND } from '../src/runbook-command.ts';

export const USAGE_EXIT_CODE = 2;

/** Help headings in the operator's language (commander asks for each one by its English name). */
function helpTitle(title: string): string {
  const titles: Record<string, string> = {
    'Usage:': t('Usage:'),
    'Options:': t('Options:'),
    'Commands:': t('Commands:'),
    'Arguments:': t('Arguments:'),
    'Global Options:': t('Global options:'),
  };
  return titles[title] ?? title;
}

/** commander's help with translated headings and "(default: …)". */
export function helpConfiguration(): Partial<Help> {
  return {
    styleTitle: helpTitle,
    optionDescription(option: Option): string {
      const shown = option.defaultValue !== undefined && (option.required || option.optional);
      const value = option.defaultValueDescription ?? JSON.stringify(option.defaultValue);
      return shown ? `${option.description} ${t('(default: {value})', { value })}` : option.description;
    },
  };
}

/** The closest of `names` to what was typed, when it is close enough to be a typo. */
export function didYouMean(typed: string, names: string[]): string | undefined {
  if (names.length === 0) return undefined;
  const guess = closest(typed, names);
  return distance(typed, guess) <= Math.max(2, Math.floor(typed.length / 3)) ? guess : undefined;
}

/** The message for a word that is not a command, with the likely one. */
export function unknownCommandMessage(typed: string, names: string[]): string {
  const guess = didYouMean(typed, names);
  const word = printableInline(typed);
  return guess
    ? t('unknown command "{word}"; did you mean {guess}?', { word, guess })
    : t('unknown command "{word}"; the commands are: {names}', { word, names: names.join(', ') });
}

/** commander's English error lines, re-said through t() (unknown texts pass through unchanged). */
export function localizeCommanderError(text: string): string {
  if (!text.startsWith('error: ')) return text; // ours, already said in the operator's language
  const body = text.replace(/^error: /, '').trimEnd();
  const [first = '', ...rest] = body.split('\n');
  const suggestion = /^\(Did you mean (?:one of )?(.+)\?\)$/.exec(rest.join(' ').trim())?.[1];
  const patterns: [RegExp, (m: RegExpExecArray) => string][] = [
    [/^unknown option '(.+)'$/, (m) => t('unknown option {option}', { option: m[1]! })],
    [/^missing required argument '(.+)'$/, (m) => t('missing the {argument} argument', { argument: m[1]! })],
    [/^option '(.+)' argument missing$/, (m) => t('{option} needs a value', { option: m[1]! })],
    [/^required option '(.+)' not specified$/, (m) => t('{option} is required', { option: m[1]! })],
    [/^too many arguments(?: for '(.+)')?\. Expected (\d+) arguments? but got (\d+)\.$/, (m) => t('too many arguments: {got} given, {expected} expected', { got: m[3]!, expected: m[2]! })],
  ];
  let message = first;
  for (const [pattern, say] of patterns) {
    const m = pattern.exec(first);
    if (m) {
      message = say(m);
      break;
    }
  }
  if (suggestion) message += ` ${t('(did you mean {guess}?)', { guess: suggestion })}`;
  return `${RUNBOOK_COMMAND}: ${printableInline(message)}\n`;
}

/** The line after every usage error. */
export function helpPointer(command?: string): string {
  return t('(run `{command} --help` for usage)', { command: command ? `${RUNBOOK_COMMAND} ${command}` : RUNBOOK_COMMAND });
}

/** A usage error of our own (not commander's): printed like commander's, exit code 2. */
export function usageError(command: Command, message: string, code = 'runbook.usage'): never {
  command.error(`${RUNBOOK_COMMAND}: ${message}`, { exitCode: USAGE_EXIT_CODE, code });
}

/** The exit code for what commander threw: 0 for help and version, 2 for every usage error. */
export function exitCodeOf(error: CommanderError): number {
  return error.exitCode === 0 ? 0 : USAGE_EXIT_CODE;
}
