// The translated locales of the site (Starlight locale keys), from the translations' one list.
import { LANGUAGES } from '../../../src/i18n/languages.ts';

export function translatedLocaleKeys(): string[] {
  return LANGUAGES.map((language) => language.locale);
}
