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

export function bookFileName(base: string, lang: string, ext: string): string {
  return lang === 'en' ? `${base}.${ext}` : `${base}.${lang}.${ext}`;
}
