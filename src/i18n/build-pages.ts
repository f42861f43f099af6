// The site build's translation step: for every language, every English page + its catalog →
// docs/src/content/docs/<locale>/<page>.mdx (generated, gitignored, rewritten on every build).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { slugOf } from '../runbook/parse.ts';
import { catalogPath, DEFAULT_PATHS, type CatalogPaths } from './catalog-tools.ts';
import { translatorFor } from './installer-catalog.ts';
import { N_ } from './message-format.ts';
import { LANGUAGES, domainOfPage, type Language } from './languages.ts';
import { localizePage, type Fallback } from './localize-page.ts';
import { readPo } from './po-file.ts';
import { englishPages, readPage } from './templates.ts';

export interface PageReport {
  lang: string;
  file: string;
  total: number;
  translated: number;
  fallbacks: Fallback[];
  error?: string;
}

const BANNER_TITLE = N_('This page is not fully translated');
const BANNER_BODY = N_('{translated} of {total} texts on this page are translated; the others are shown in English. The translation lives in `{catalog}`: corrections and additions are welcome.');

/** Writes the localized pages of `languages`; returns what was translated and what fell back. */
export function buildLocalizedPages(paths: CatalogPaths = DEFAULT_PATHS, languages: readonly Language[] = LANGUAGES): PageReport[] {
  const files = englishPages(paths.docsDir);
  const slugs = new Set(files.map(slugOf));
  const reports: PageReport[] = [];
  for (const language of languages) {
    const outDir = join(paths.docsDir, language.locale);
    const written = new Set<string>();
    const t = translatorFor(language.lang, paths.localesDir);
    for (const file of files) {
      const domain = domainOfPage(file);
      const catalogFile = catalogPath(paths, language.lang, domain);
      const catalog = readPo(catalogFile);
      const shownPath = relative(dirname(paths.localesDir), catalogFile).split(sep).join('/');
      const page = localizePage(readPage(paths.docsDir, file), catalog, {
        locale: language.locale,
        pageSlugs: slugs,
        banner: ({ translated, total }) => ({ title: t(BANNER_TITLE), body: t(BANNER_BODY, { translated, total, catalog: shownPath }) }),
      });
      const target = join(outDir, file);
      // Rewrite only what changed: a dev server watching the folder reloads just those pages.
      if (!existsSync(target) || readFileSync(target, 'utf8') !== page.text) {
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, page.text);
      }
      written.add(target);
      reports.push({ lang: language.lang, file, total: page.total, translated: page.translated, fallbacks: page.fallbacks, error: page.error });
    }
    // Pages whose English page is gone go too.
    for (const stale of filesUnder(outDir)) if (!written.has(stale)) rmSync(stale);
  }
  return reports;
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => join(dir, f)).filter((f) => statSync(f).isFile());
}

/** Removes the generated locale folders (for tests and `git clean`-like resets). */
export function removeLocalizedPages(paths: CatalogPaths = DEFAULT_PATHS, languages: readonly Language[] = LANGUAGES): void {
  for (const language of languages) {
    const dir = join(paths.docsDir, language.locale);
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  }
}

/** One line per problem a translator should fix (invalid translations, pages left in English). */
export function buildWarnings(reports: PageReport[]): string[] {
  const out: string[] = [];
  for (const r of reports) {
    if (r.error) out.push(`${r.lang} ${r.file}: shown in English: ${r.error}`);
    for (const f of r.fallbacks) {
      if (f.reason === 'invalid' && !r.error) out.push(`${r.lang} ${r.file}:${f.unit.line}: translation not used: ${f.problems?.join('; ')}`);
    }
  }
  return out;
}
