// One shape for every problem found in user input (site file, runbook pages), so the CLI,
// the wizard and the tests all print and match them the same way.
import { t } from './i18n/translate.ts';
import { printableInline } from './printable.ts';

export interface Problem {
  /** File the problem is in, as the user named it (or relative to the runbook folder). */
  file: string;
  /** 1-based line; 0 when the problem has no single place (a missing file, say). */
  line: number;
  column?: number;
  /** Dotted path of the field at fault for site files (`network.gateway`), step id for runbooks. */
  field?: string;
  /** What is wrong, in one sentence. */
  message: string;
  /** How to fix it, in one sentence. */
  fix?: string;
}

/**
 * `site.yaml:5:12: network.gateway: … Fix: …` on one line. Values quoted from the file are in
 * the message, so the whole line is made printable: no byte of the file acts on the terminal.
 */
export function formatProblem(p: Problem): string {
  const where = p.line > 0 ? `${p.file}:${p.line}${p.column ? `:${p.column}` : ''}` : p.file;
  const field = p.field ? ` ${p.field}:` : '';
  const fix = p.fix ? ` ${t('Fix: {fix}', { fix: p.fix })}` : '';
  return printableInline(`${where}:${field} ${p.message}${fix}`);
}

/** Thrown when input is bad; carries every problem so the caller prints them all at once. */
export class InputError extends Error {
  readonly problems: Problem[];
  constructor(problems: Problem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'InputError';
    this.problems = problems;
  }
}
