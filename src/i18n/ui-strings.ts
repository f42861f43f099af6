// The docs site's own words: step-card labels, role badges, the "Your addresses" bar and dialog,
// code-block captions, the downloads page, the diagram, the book's fixed phrases. English lives
// in Starlight's UI-strings file (docs/src/content/i18n/en.json, key → text); translators edit
// locales/<lang>/ui.po (msgctxt = the key, msgid = the English), counted by `i18n:status` like
// every other catalog. The site build writes the usable translations back as
// docs/src/content/i18n/<lang>.json, where Starlight's `t()` finds them (generated, gitignored).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CatalogPaths } from './catalog-tools.ts';
import { LANGUAGES, type Language } from './languages.ts';
import { readPo, type PoCatalog } from './po-file.ts';
import { TEMPLATE_HEADERS } from './templates.ts';

/** Catalog name of the site's UI strings (`locales/<lang>/ui.po`). */
export const UI_DOMAIN = 'ui';

/** `{{name}}` (Starlight's placeholders) or `{name}`: a translation must keep the same ones. */
export function placeholdersOf(text: string): string {
  return [...text.matchAll(/\{\{?(\w+)\}?\}/g)]
    .map((m) => m[1])
    .sort()
    .join(',');
}

/** Starlight's UI-strings folder beside the runbook pages: `docs/src/content/i18n/`. */
export function uiStringsDir(paths: Pick<CatalogPaths, 'docsDir'>): string {
  return join(dirname(paths.docsDir), 'i18n');
}

/** The English UI strings (key → text); empty when the site has no en.json (a bare runbook). */
export function englishUiStrings(paths: Pick<CatalogPaths, 'docsDir'>): Record<string, string> {
  const file = join(uiStringsDir(paths), 'en.json');
  if (!existsSync(file)) return {};
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
}

export function uiTemplate(strings: Record<string, string>): PoCatalog {
  return {
    headers: { ...TEMPLATE_HEADERS },
    messages: Object.entries(strings).map(([key, id]) => ({
      context: key,
      id,
      str: '',
      fuzzy: false,
      references: ['docs/src/content/i18n/en.json'],
      extracted: /\{\{?\w+\}?\}/.test(id)
        ? 'site label; keep every {{placeholder}} and `code` span exactly as written'
        : 'site label (plain text)',
      obsolete: false,
    })),
  };
}

/**
 * Key → translation of the strings whose translation is usable (translated, not fuzzy, made for
 * the current English, same placeholders); the others are left out, so the site shows English.
 */
export function uiTranslations(
  paths: Pick<CatalogPaths, 'docsDir' | 'localesDir'>,
  lang: string,
): Record<string, string> {
  const english = englishUiStrings(paths);
  const catalog = readPo(join(paths.localesDir, lang, `${UI_DOMAIN}.po`));
  const out: Record<string, string> = {};
  for (const m of catalog?.messages ?? []) {
    if (m.obsolete || m.fuzzy || !m.str || m.context === undefined) continue;
    if (english[m.context] !== m.id) continue;
    if (placeholdersOf(m.id) !== placeholdersOf(m.str)) continue;
    out[m.context] = m.str;
  }
  return out;
}

/** A translator for one language, English where the catalog has nothing usable. */
export function uiTranslator(
  paths: Pick<CatalogPaths, 'docsDir' | 'localesDir'>,
  lang: string,
): (key: string, values?: Record<string, string | number>) => string {
  const english = englishUiStrings(paths);
  const translated = lang === 'en' ? {} : uiTranslations(paths, lang);
  return (key, values) => {
    const text = translated[key] ?? english[key];
    if (text === undefined)
      throw new Error(`no UI string "${key}" in docs/src/content/i18n/en.json`);
    return fillPlaceholders(text, values);
  };
}

/** `{{name}}` (or `{name}`) → its value; placeholders without a value stay as written. */
export function fillPlaceholders(text: string, values?: Record<string, string | number>): string {
  return text.replace(/\{\{?(\w+)\}?\}/g, (whole, name: string) =>
    values && name in values ? String(values[name]) : whole,
  );
}

/** Writes `<lang>.json` beside en.json for every language (Starlight reads them). */
export function writeUiTranslations(
  paths: Pick<CatalogPaths, 'docsDir' | 'localesDir'>,
  languages: readonly Language[] = LANGUAGES,
): void {
  if (Object.keys(englishUiStrings(paths)).length === 0) return;
  for (const language of languages) {
    const file = join(uiStringsDir(paths), `${language.lang}.json`);
    const text = `${JSON.stringify(uiTranslations(paths, language.lang), null, 2)}\n`;
    if (!existsSync(file) || readFileSync(file, 'utf8') !== text) writeFileSync(file, text);
  }
}
