// `runbook import FILE... [--out DIR] [--overwrite]`: legacy DocBook / reStructuredText pages
// → MDX pages of the docs site, through pandoc. Commands come in as sample (`norun`) blocks:
// turning them into steps is an author's decision.
import { importLegacyDocs } from '../../src/importer/import.ts';
import { t } from '../../src/i18n/translate.ts';
import { runbookCommand } from '../../src/runbook-command.ts';
import { err, out } from '../output.ts';

export interface ImportCommandOptions {
  files: string[];
  out: string;
  overwrite?: boolean;
}

export async function run(options: ImportCommandOptions): Promise<number> {
  const pages = await importLegacyDocs(options.files, options.out, { overwrite: Boolean(options.overwrite) });
  for (const page of pages) {
    out(`${t('{input} → {output} ("{title}")', { input: page.input, output: page.output, title: page.title })}\n`);
    for (const warning of page.warnings) err(`  ${t('warning: {problem}', { problem: warning })}\n`);
  }
  out(`${t('Imported {n} page(s). Check them with `{command}`, then add steps where the old text had commands.', { n: pages.length, command: runbookCommand(['check'], { runbook: options.out }) })}\n`);
  return 0;
}
