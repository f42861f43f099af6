// The installer's translation function. Every user-facing string of the CLI and the wizard goes
// through `t`, so translations only add catalogs (locales/<lang>/installer.po).
// Catalog loading is filled in by the i18n module; until a catalog is set, English is returned.

export type Catalog = Map<string, string>;

let catalog: Catalog | undefined;
let language = 'en';

/** `t('Connected to {host}', { host })`: msgid in English, `{name}` placeholders. */
export function t(msgid: string, values?: Record<string, string | number>): string {
  const text = catalog?.get(msgid) || msgid;
  if (!values) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

export function setCatalog(lang: string, messages: Catalog | undefined): void {
  language = lang;
  catalog = messages;
}

export function currentLanguage(): string {
  return language;
}

/** `ja_JP.UTF-8` → `ja`, `zh_CN.UTF-8` → `zh-CN`, `C`/unset → `en`. */
export function languageFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const raw = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  const match = /^([a-z]{2})(?:_([A-Z]{2}))?/.exec(raw);
  if (!match) return 'en';
  if (match[1] === 'zh') return match[2] === 'TW' || match[2] === 'HK' ? 'zh-TW' : 'zh-CN';
  return match[1]!;
}
