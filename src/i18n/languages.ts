// The languages the runbook is translated into, and where their files live. One list, read by
// the catalog tools, the page generator, the installer and the docs site's locale config.
import { resolve } from 'node:path';

export interface Language {
  /** Language code as the installer and the catalogs name it (`locales/<lang>/`). */
  lang: string;
  /** Starlight locale key: the URL prefix and the generated content folder (`docs/src/content/docs/<locale>/`). */
  locale: string;
  /** Name shown in the language picker, in the language itself. */
  label: string;
  /** gettext Plural-Forms header. */
  pluralForms: string;
}

export const LANGUAGES: readonly Language[] = [
  { lang: 'ja', locale: 'ja', label: '日本語', pluralForms: 'nplurals=1; plural=0;' },
  { lang: 'zh-CN', locale: 'zh-cn', label: '简体中文', pluralForms: 'nplurals=1; plural=0;' },
];

export const REPO_ROOT = resolve(new URL('../..', import.meta.url).pathname);
export const LOCALES_DIR = resolve(REPO_ROOT, 'locales');
export const DOCS_CONTENT_DIR = resolve(REPO_ROOT, 'docs/src/content/docs');
/** Catalog name of the installer's own strings (`locales/<lang>/installer.po`). */
export const INSTALLER_DOMAIN = 'installer';

export function languageByLocale(locale: string): Language | undefined {
  return LANGUAGES.find((l) => l.locale === locale.toLowerCase());
}

/** `ja_JP`, `ja`, `zh-cn`, `zh_CN` → the configured Language; undefined for English or unknown. */
export function findLanguage(code: string): Language | undefined {
  const normal = code.replace('_', '-').toLowerCase();
  return LANGUAGES.find((l) => l.lang.toLowerCase() === normal || l.locale === normal) ?? LANGUAGES.find((l) => normal.startsWith(`${l.lang.toLowerCase()}-`) && !l.lang.includes('-'));
}

/** Page file relative to the runbook folder → catalog name: `overview.mdx` → `overview`, `index.mdx` → `index`. */
export function domainOfPage(file: string): string {
  return file.replace(/\.mdx?$/, '');
}
