// Runtime side of the installer's translations: load `locales/<lang>/installer.po` into t(),
// from LANG/LC_ALL or the wizard's choice, and give the installer each step's translated
// title from the page catalogs (the same text the docs site shows).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { INSTALLER_DOMAIN, LOCALES_DIR, findLanguage } from './languages.ts';
import { fillPlaceholders } from './message-format.ts';
import { readPo } from './po-file.ts';
import { languageFromEnv, setCatalog, type Catalog } from './translate.ts';

/** msgid → msgstr of a catalog file, translated and not fuzzy entries only. */
function usableMessages(file: string): Catalog {
  const map: Catalog = new Map();
  for (const m of readPo(file)?.messages ?? []) {
    if (!m.obsolete && !m.fuzzy && m.str !== '' && m.context === undefined) map.set(m.id, m.str);
  }
  return map;
}

/** The catalog folder of a language code (`ja_JP.UTF-8`, `ja`, `zh-CN`), if one exists. */
export function catalogFolder(lang: string, localesDir = LOCALES_DIR): string | undefined {
  const known = findLanguage(lang.replace(/\..*$/, ''));
  const candidates = [known?.lang, lang].filter((x): x is string => Boolean(x));
  for (const name of candidates) if (existsSync(join(localesDir, name))) return join(localesDir, name);
  return undefined;
}

/** The installer's messages in `lang` (empty for English or a language without a catalog). */
export function installerMessages(lang: string, localesDir = LOCALES_DIR): Catalog {
  const folder = catalogFolder(lang, localesDir);
  return folder ? usableMessages(join(folder, `${INSTALLER_DOMAIN}.po`)) : new Map();
}

/**
 * Makes t() answer in `lang`. Returns the language actually used: `en` when there is no
 * catalog for it (t() then returns the English msgids).
 */
export function loadInstallerCatalog(lang: string, localesDir = LOCALES_DIR): string {
  const known = findLanguage(lang.replace(/\..*$/, ''));
  const messages = lang === 'en' ? new Map() : installerMessages(lang, localesDir);
  if (messages.size === 0) {
    setCatalog('en', undefined);
    return 'en';
  }
  const used = known?.lang ?? lang;
  setCatalog(used, messages);
  return used;
}

/** LC_ALL / LC_MESSAGES / LANG → loadInstallerCatalog. */
export function initInstallerLanguage(env: NodeJS.ProcessEnv = process.env, localesDir = LOCALES_DIR): string {
  return loadInstallerCatalog(languageFromEnv(env), localesDir);
}

/** A translator bound to one language, for code that renders several languages at once. */
export function translatorFor(lang: string, localesDir = LOCALES_DIR): (msgid: string, values?: Record<string, string | number>) => string {
  const messages = installerMessages(lang, localesDir);
  return (msgid, values) => fillPlaceholders(messages.get(msgid) || msgid, values);
}

const stepTitleCache = new Map<string, Map<string, Map<string, string>>>();

/**
 * The title of step `stepId` in `lang`, as translated in the page catalogs (msgctxt = step id).
 * Falls back to `english` when the title is untranslated, fuzzy, or was translated from a
 * different English text.
 */
export function translatedStepTitle(lang: string, stepId: string, english: string, localesDir = LOCALES_DIR): string {
  const key = `${localesDir}\u0000${lang}`;
  let byStep = stepTitleCache.get(key);
  if (!byStep) {
    byStep = new Map();
    const folder = lang === 'en' ? undefined : catalogFolder(lang, localesDir);
    for (const file of folder ? poFiles(folder) : []) {
      if (file.endsWith(`${INSTALLER_DOMAIN}.po`)) continue;
      for (const m of readPo(file)?.messages ?? []) {
        if (m.obsolete || m.fuzzy || !m.str || m.context === undefined) continue;
        const titles = byStep.get(m.context) ?? new Map<string, string>();
        titles.set(m.id, m.str);
        byStep.set(m.context, titles);
      }
    }
    stepTitleCache.set(key, byStep);
  }
  return byStep.get(stepId)?.get(english) ?? english;
}

/** Forget cached step titles (after catalogs changed on disk). */
export function clearStepTitleCache(): void {
  stepTitleCache.clear();
}

function poFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) out.push(...poFiles(full));
    else if (entry.endsWith('.po')) out.push(full);
  }
  return out;
}
