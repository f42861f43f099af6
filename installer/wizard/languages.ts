// The languages the wizard offers: English, plus every locales/<lang>/installer.po catalog,
// named in its own language. Loading goes through the i18n module (src/i18n), which feeds t().
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { INSTALLER_DOMAIN, LANGUAGES, LOCALES_DIR } from '../../src/i18n/languages.ts';
import { loadInstallerCatalog } from '../../src/i18n/installer-catalog.ts';
import type { Languages } from './services.ts';

/** Names for catalogs the i18n module's language list does not know (yet). */
const NATIVE_NAMES: Record<string, string> = {
  en: 'English', de: 'Deutsch', fr: 'Français', es: 'Español', it: 'Italiano', pt: 'Português',
  'pt-BR': 'Português (Brasil)', 'zh-TW': '繁體中文', ko: '한국어', nl: 'Nederlands', ru: 'Русский', pl: 'Polski',
};

const nameOf = (code: string) => LANGUAGES.find((l) => l.lang === code)?.label ?? NATIVE_NAMES[code] ?? code;

export async function availableLanguages(dir = LOCALES_DIR): Promise<Languages[]> {
  const found = existsSync(dir)
    ? readdirSync(dir).filter((code) => code !== 'en' && existsSync(join(dir, code, `${INSTALLER_DOMAIN}.po`))).sort()
    : [];
  return ['en', ...found].map((code) => ({ code, name: nameOf(code) }));
}

export async function loadLanguage(code: string, dir = LOCALES_DIR): Promise<void> {
  loadInstallerCatalog(code, dir);
}
