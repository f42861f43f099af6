// `runbook import FILE... [--out DIR] [--overwrite]`: legacy DocBook / reStructuredText pages
// → MDX pages of the docs site, through pandoc. Commands come in as sample (`norun`) blocks:
// turning them into steps is an author's decision.
import { importLegacyDocs } from '../../src/importer/import.ts';
import { t } from '../../src/i18n/translate.ts';

export interface ImportCommandOptions {
  files: string[];
  out: string;
  overwrite?: boolean;
}

export async function run(options: ImportCommandOptions): Promise<number> {
  const pages = await importLegacyDocs(options.files, options.out, { overwrite: Boolean(options.overwrite) });
  for (const page of pages) {
    process.stdout.write(`${t('{input} → {output} ("{title}")', { input: page.input, output: page.output, title: page.title })}\n`);
    for (const warning of page.warnings) process.stderr.write(`  warning: ${warning}\n`);
  }
  process.stdout.write(`${t('Imported {n} page(s). Check them with `runbook check`, then add steps where the old text had commands.', { n: pages.length })}\n`);
  return 0;
}
