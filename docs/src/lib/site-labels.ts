// The site's labels in a page's language for code that runs outside a component (the Expressive
// Code plugin, astro.config.mjs): the same strings Starlight's t() serves, English from
// content/i18n/en.json, translations from locales/<lang>/ui.po.
// Inside the built site the tables come from astro.config.mjs (__RUNBOOK_SITE_LABELS__): a bundled
// module cannot find the catalogs by its own import.meta.url.
import { DOCS_CONTENT_DIR, LANGUAGES, LOCALES_DIR, findLanguage } from '../../../src/i18n/languages.ts';
import { englishUiStrings, fillPlaceholders, uiTranslator } from '../../../src/i18n/ui-strings.ts';

export type Translate = (key: string, values?: Record<string, string | number>) => string;
/** Language → key → text, English where a translation is missing or unusable. */
export type SiteLabelTables = Record<string, Record<string, string>>;

declare const __RUNBOOK_SITE_LABELS__: SiteLabelTables | undefined;

const PATHS = { docsDir: DOCS_CONTENT_DIR, localesDir: LOCALES_DIR };
const cache = new Map<string, Translate>();

/** Every language's full table, read from the catalogs (astro.config.mjs hands it to the bundle). */
export function siteLabelTables(): SiteLabelTables {
  const keys = Object.keys(englishUiStrings(PATHS));
  const tables: SiteLabelTables = {};
  for (const lang of ['en', ...LANGUAGES.map((l) => l.lang)]) {
    const t = uiTranslator(PATHS, lang);
    tables[lang] = Object.fromEntries(keys.map((key) => [key, t(key)]));
  }
  return tables;
}

/** `lang`: a BCP-47 tag as Starlight and Expressive Code give it (`ja`, `zh-CN`, `en-US`); English when unknown. */
export function siteLabels(lang: string | undefined): Translate {
  const code = findLanguage(lang ?? 'en')?.lang ?? 'en';
  let t = cache.get(code);
  if (!t) {
    const table = typeof __RUNBOOK_SITE_LABELS__ === 'undefined' ? undefined : __RUNBOOK_SITE_LABELS__?.[code];
    t = table
      ? (key, values) => {
          const text = table[key];
          if (text === undefined) throw new Error(`no UI string "${key}" in docs/src/content/i18n/en.json`);
          return fillPlaceholders(text, values);
        }
      : uiTranslator(PATHS, code);
    cache.set(code, t);
  }
  return t;
}
