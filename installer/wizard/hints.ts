// Every command the wizard tells the operator to run ("run this next", "resume with"), built in
// one place so they all name the same program and pass --site only when it is not the default.
import { relative, resolve } from 'node:path';

/** The installed command (`npm run setup` puts it on PATH; the images have it too). */
export const RUNBOOK_COMMAND = 'runbook';

const DEFAULT_SITE = 'site.yaml';

/** A path as the operator can paste it: quoted when the shell would split or expand it. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** `runbook <sub> [args] [--site F] [--runbook D]`, with --site left out for ./site.yaml. */
export function runbookCommand(sub: string, options: { site?: string; runbook?: string; args?: string[] } = {}): string {
  const words = [RUNBOOK_COMMAND, ...sub.split(' ').filter(Boolean), ...(options.args ?? [])];
  if (options.site && relative(process.cwd(), resolve(options.site)) !== DEFAULT_SITE) words.push('--site', shellWord(options.site));
  if (options.runbook) words.push('--runbook', shellWord(options.runbook));
  return words.join(' ');
}

/** How to pick the installation up again after a stop or a failure. */
export function resumeCommand(siteFile: string, runbookDir?: string): string {
  return runbookCommand('install', { site: siteFile, ...(runbookDir ? { runbook: runbookDir } : {}) });
}
