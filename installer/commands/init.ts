// `runbook init [--site F] [--all-in-one] [--force]`: the commented site file with the defaults.
// Refuses, changing nothing, when the file exists (without --force), when its folder does not
// exist, or when the name is a folder.
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { InputError, type Problem } from '../../src/diagnostics.ts';
import { t } from '../../src/i18n/translate.ts';
import { runbookCommand, shellWord } from '../../src/runbook-command.ts';
import { siteTemplate } from '../../src/site-file/template.ts';
import { out } from '../output.ts';

export interface InitOptions {
  site: string;
  allInOne?: boolean;
  force?: boolean;
}

function refusal(options: InitOptions): Problem | undefined {
  const file = options.site;
  const folder = dirname(file);
  const at = { file, line: 0 };
  if (!existsSync(folder)) {
    return { ...at, message: t('the folder {folder} does not exist; nothing was written', { folder }), fix: t('create it first (mkdir -p {folder}), or name a file in an existing folder', { folder: shellWord(folder) }) };
  }
  if (!statSync(folder).isDirectory()) {
    return { ...at, message: t('{folder} is a file, not a folder; nothing was written', { folder }), fix: t('name a site file in a folder, like --site site.yaml') };
  }
  if (!existsSync(file)) return undefined;
  if (statSync(file).isDirectory()) {
    return { ...at, message: t('is a folder; nothing was written'), fix: t('name the file to write, like --site {file}', { file: `${file.replace(/\/+$/, '')}/site.yaml` }) };
  }
  if (!options.force) {
    return { ...at, message: t('already exists; nothing was written'), fix: t('edit it, pass --force to overwrite it, or name another file with --site') };
  }
  return undefined;
}

export function run(options: InitOptions): number {
  const problem = refusal(options);
  if (problem) throw new InputError([problem]);
  try {
    writeFileSync(options.site, siteTemplate({ allInOne: Boolean(options.allInOne) }), { mode: 0o644 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EROFS' && code !== 'EPERM') throw error;
    throw new InputError([{ file: options.site, line: 0, message: t('cannot be written ({code}); nothing was written', { code }), fix: t('write it into a folder you may write to, or run as a user who may') }]);
  }
  const wrote = options.allInOne ? t('Wrote {file} (all-in-one).', { file: options.site }) : t('Wrote {file}.', { file: options.site });
  out(`${wrote} ${t('Edit the addresses, then run: {command}', { command: runbookCommand(['check'], { site: options.site }) })}\n`);
  return 0;
}
