// The one place that names the installer's command, so every "run this next" message, the
// wizard's hints and the README name the same thing: `runbook` (on PATH after `npm run setup`,
// and in the images). Never `npx runbook`: outside this checkout npx looks for a package of
// that name on the npm registry, which is not ours.
import { resolve } from 'node:path';

export const RUNBOOK_COMMAND = 'runbook';

/** The site file every command reads when `--site` is not given. */
export const DEFAULT_SITE_FILE = 'site.yaml';

export interface CommandContext {
  /** The site file in use (as the operator named it). */
  site?: string;
  /** The runbook folder, when not the bundled one. */
  runbook?: string;
}

/** A word as a POSIX shell reads it back: quoted only when it holds something the shell would act on. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** True when `site` is the file `runbook` reads without `--site`, from the current folder. */
export function isDefaultSite(site: string | undefined, cwd = process.cwd()): boolean {
  return site === undefined || resolve(cwd, site) === resolve(cwd, DEFAULT_SITE_FILE);
}

/**
 * The command line to type, e.g. `runbookCommand(['install'], { site: 'lab/site.yaml' })` →
 * `runbook install --site lab/site.yaml`; `--site` only where the site is not the default one.
 */
export function runbookCommand(args: string[], context: CommandContext = {}, cwd = process.cwd()): string {
  const words = [RUNBOOK_COMMAND, ...args];
  if (!isDefaultSite(context.site, cwd)) words.push('--site', context.site!);
  if (context.runbook) words.push('--runbook', context.runbook);
  return words.map((w, i) => (i === 0 ? w : shellWord(w))).join(' ');
}
