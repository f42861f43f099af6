// The books the site offers (one per language) and their file names, shared by the downloads
// page and the book build: English `cloudstack-runbook.pdf`, others `cloudstack-runbook.ja.pdf`.
import { LANGUAGES } from '../../../src/i18n/languages.ts';

export interface BookLanguage {
  /** Catalog language (`zh-CN`), `en` for the source. */
  lang: string;
  /** Starlight locale key, undefined for English. */
  locale?: string;
  label: string;
}

export function bookLanguages(): BookLanguage[] {
  return [
    { lang: 'en', label: 'English' },
    ...LANGUAGES.map((l) => ({ lang: l.lang, locale: l.locale, label: l.label })),
  ];
}

/** File name without extension: `cloudstack-runbook`, `cloudstack-runbook.ja`. */
export function bookBaseName(base: string, lang: string): string {
  return lang === 'en' ? base : `${base}.${lang}`;
}

export function bookFileName(base: string, lang: string, ext: string): string {
  return `${bookBaseName(base, lang)}.${ext}`;
}
