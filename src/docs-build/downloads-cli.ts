// `node src/docs-build/downloads-cli.ts [--out DIR] [--runbook DIR]`: writes the PDF and EPUB of the
// runbook (npm run docs:pdf), one pair per language: English from the runbook's pages, each
// translation from its localized pages (written from locales/<lang>/*.po, as the site build does).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadRunbook, BUNDLED_RUNBOOK } from '../runbook/load.ts';
import { defaultVariables, SITE_VARIABLE_HELP } from '../site-file/variables.ts';
import { DEFAULT_PATHS } from '../i18n/catalog-tools.ts';
import { buildLocalizedPages } from '../i18n/build-pages.ts';
import { LANGUAGES } from '../i18n/languages.ts';
import { uiTranslator } from '../i18n/ui-strings.ts';
import { bookBaseName } from '../../docs/src/lib/book-files.ts';
import { buildBook } from './book.ts';

export const BOOK_BASE_NAME = 'cloudstack-runbook';

export interface BuiltDownload {
  lang: string;
  pdf: string;
  epub: string;
}

export async function buildDownloads(
  outDir: string,
  runbookDir: string = BUNDLED_RUNBOOK,
): Promise<BuiltDownload[]> {
  const version = (
    JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    }
  ).version;
  const bundled = runbookDir === BUNDLED_RUNBOOK;
  // Translated books exist for the bundled runbook, whose catalogs are locales/<lang>/.
  if (bundled) buildLocalizedPages(DEFAULT_PATHS);
  const books = [
    { lang: 'en', locale: undefined as string | undefined, dir: runbookDir },
    ...(bundled
      ? LANGUAGES.map((l) => ({ lang: l.lang, locale: l.locale, dir: join(runbookDir, l.locale) }))
      : []),
  ].filter((book) => existsSync(book.dir));
  const built: BuiltDownload[] = [];
  // One book after the other: each Chromium print takes a core, and the machine is shared.
  for (const book of books) {
    const { runbook, problems } = loadRunbook(book.dir);
    const errors = problems.filter((p) => (p as { severity?: string }).severity !== 'warning');
    if (runbook.chapters.length === 0)
      throw new Error(
        `no runbook pages in ${book.dir}: ${errors.map((p) => p.message).join('; ')}`,
      );
    const ui = uiTranslator(DEFAULT_PATHS, book.lang);
    const files = await buildBook({
      runbook,
      outDir,
      baseName: bookBaseName(BOOK_BASE_NAME, book.lang),
      title: 'CloudStack Runbook',
      subtitle: ui('runbook.book.subtitle', { cloudstack: '4.22', runbook: version }),
      lang: book.lang,
      locale: book.locale,
      ui,
      variables: defaultVariables(),
      variableHelp: SITE_VARIABLE_HELP,
    });
    built.push({ lang: book.lang, pdf: files.pdf, epub: files.epub });
  }
  return built;
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: 'docs/dist/downloads' },
      runbook: { type: 'string' },
    },
  });
  const started = Date.now();
  buildDownloads(values.out!, values.runbook).then(
    (books) =>
      console.log(
        `downloads: ${books.flatMap((b) => [b.pdf, b.epub]).join(', ')} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
      ),
    (error: Error) => {
      console.error(`downloads: ${error.message}`);
      process.exitCode = 1;
    },
  );
}
