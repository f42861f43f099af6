// The languages the wizard offers: English, plus every locales/<lang>/installer.po catalog.
// Adapter until the i18n module loads installer catalogs itself: it feeds src/i18n's
// setCatalog with the catalog's translated, non-fuzzy messages.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setCatalog, type Catalog } from '../../src/i18n/translate.ts';
import type { Languages } from './services.ts';

const LOCALES = fileURLToPath(new URL('../../locales/', import.meta.url));
const CATALOG = 'installer.po';

/** Each language named in itself, so an operator finds theirs whatever is shown now. */
const NATIVE_NAMES: Record<string, string> = {
  en: 'English', de: 'Deutsch', fr: 'Français', es: 'Español', it: 'Italiano', pt: 'Português',
  'pt-BR': 'Português (Brasil)', ja: '日本語', 'zh-CN': '简体中文', 'zh-TW': '繁體中文', ko: '한국어',
  nl: 'Nederlands', ru: 'Русский', pl: 'Polski',
};

export async function availableLanguages(dir = LOCALES): Promise<Languages[]> {
  const found = existsSync(dir)
    ? readdirSync(dir).filter((code) => code !== 'en' && existsSync(join(dir, code, CATALOG))).sort()
    : [];
  return ['en', ...found].map((code) => ({ code, name: NATIVE_NAMES[code] ?? code }));
}

export async function loadLanguage(code: string, dir = LOCALES): Promise<void> {
  if (code === 'en') return setCatalog('en', undefined);
  const file = join(dir, code, CATALOG);
  if (!existsSync(file)) return setCatalog('en', undefined);
  const { po } = await import('gettext-parser');
  const parsed = po.parse(readFileSync(file));
  const catalog: Catalog = new Map();
  for (const context of Object.values(parsed.translations)) {
    for (const [msgid, entry] of Object.entries(context)) {
      const fuzzy = /\bfuzzy\b/.test(entry.comments?.flag ?? '');
      const text = entry.msgstr[0];
      if (msgid && text && !fuzzy) catalog.set(msgid, text);
    }
  }
  setCatalog(code, catalog);
}
