// Translations are generated into docs/src/content/docs/<folder>/ from locales/<lang>/*.po; the
// site configures the ones present. `lang` is also the folder name under locales/ ("Edit page").
import { existsSync } from 'node:fs';
import { fileURLToPath, URL } from 'node:url';

const KNOWN_LOCALES: Record<string, LocaleConfig> = {
  ja: { label: '日本語', lang: 'ja' },
  'zh-cn': { label: '简体中文', lang: 'zh-CN' },
  fr: { label: 'Français', lang: 'fr' },
};

/** Locale folder → Starlight locale config, for the folders that exist. */
export interface LocaleConfig {
  label: string;
  lang: string;
}

export function translatedLocales(): Record<string, LocaleConfig> {
  const docs = fileURLToPath(new URL('../content/docs/', import.meta.url));
  return Object.fromEntries(
    Object.entries(KNOWN_LOCALES).filter(([folder]) => existsSync(`${docs}${folder}`)),
  );
}
