// The installer in Japanese or Chinese: LANG picks the catalog, t() answers from it, and steps
// show the titles the docs site shows in that language.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { catalogPath, DEFAULT_PATHS } from '../../src/i18n/catalog-tools.ts';
import { loadInstallerCatalog, translatedStepTitle } from '../../src/i18n/installer-catalog.ts';
import { readPo, writePo } from '../../src/i18n/po-file.ts';
import { languageFromEnv, t } from '../../src/i18n/translate.ts';

const HAN_OR_KANA = /[\u3040-\u30ff\u4e00-\u9fff]/;
const modules = new URL('../../src/i18n/', import.meta.url).href;

function translatedInstallerMessage(lang: string) {
  const catalog = readPo(catalogPath(DEFAULT_PATHS, lang, 'installer'));
  const m = catalog?.messages.find((x) => !x.obsolete && !x.fuzzy && x.str && !/\{\w+\}/.test(x.id));
  if (!m) throw new Error(`locales/${lang}/installer.po has no translated message`);
  return m;
}

/** What t(msgid) prints in a fresh installer process started with `env`. */
function tInProcess(env: Record<string, string>, msgid: string): string {
  const script = `
    const { initInstallerLanguage } = await import(${JSON.stringify(`${modules}installer-catalog.ts`)});
    const { t, currentLanguage } = await import(${JSON.stringify(`${modules}translate.ts`)});
    initInstallerLanguage();
    process.stdout.write(JSON.stringify({ lang: currentLanguage(), text: t(${JSON.stringify(msgid)}) }));`;
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(LANG|LC_ALL|LC_MESSAGES|LANGUAGE)$/.test(k))) as Record<string, string>;
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...clean, ...env }, encoding: 'utf8' });
}

afterEach(() => loadInstallerCatalog('en'));

describe('installer catalogs', () => {
  it('LANG=ja_JP.UTF-8 makes t() answer in Japanese', () => {
    const m = translatedInstallerMessage('ja');
    const out = JSON.parse(tInProcess({ LANG: 'ja_JP.UTF-8' }, m.id));
    expect(out).toEqual({ lang: 'ja', text: m.str });
    expect(out.text).toMatch(HAN_OR_KANA);
  });

  it('LANG=zh_CN.UTF-8 makes t() answer in Simplified Chinese; C stays English', () => {
    const m = translatedInstallerMessage('zh-CN');
    expect(JSON.parse(tInProcess({ LANG: 'zh_CN.UTF-8' }, m.id))).toEqual({ lang: 'zh-CN', text: m.str });
    expect(JSON.parse(tInProcess({ LANG: 'C.UTF-8' }, m.id))).toEqual({ lang: 'en', text: m.id });
    expect(JSON.parse(tInProcess({ LANG: 'ja_JP.UTF-8', LC_ALL: 'C' }, m.id))).toEqual({ lang: 'en', text: m.id });
  });

  it("the wizard's choice switches t() at run time; a language without a catalog falls back to English", () => {
    const m = translatedInstallerMessage('ja');
    expect(loadInstallerCatalog('ja')).toBe('ja');
    expect(t(m.id)).toBe(m.str);
    expect(loadInstallerCatalog('fr')).toBe('en');
    expect(t(m.id)).toBe(m.id);
    expect(languageFromEnv({ LANG: 'zh_CN.UTF-8' })).toBe('zh-CN');
  });

  it('fuzzy entries are not used, and placeholders are filled in the translation', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-i18n-'));
    try {
      mkdirSync(join(dir, 'ja'));
      writePo(join(dir, 'ja', 'installer.po'), {
        headers: { Language: 'ja' },
        messages: [
          { id: 'Connected to {host}', str: '{host} に接続しました', fuzzy: false, references: [], obsolete: false },
          { id: 'Old text', str: '古い訳', fuzzy: true, references: [], obsolete: false },
        ],
      });
      expect(loadInstallerCatalog('ja_JP', dir)).toBe('ja');
      expect(t('Connected to {host}', { host: 'kvm1' })).toBe('kvm1 に接続しました');
      expect(t('Old text')).toBe('Old text');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('translatedStepTitle gives the title from the page catalogs, English when there is none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-i18n-'));
    try {
      mkdirSync(join(dir, 'ja'));
      writePo(join(dir, 'ja', 'database.po'), {
        headers: { Language: 'ja' },
        messages: [
          { context: 'database-install', id: 'Install the database server', str: 'データベースサーバーのインストール', fuzzy: false, references: [], obsolete: false },
          { context: 'database-start', id: 'Start it', str: '起動', fuzzy: true, references: [], obsolete: false },
        ],
      });
      expect(translatedStepTitle('ja', 'database-install', 'Install the database server', dir)).toBe('データベースサーバーのインストール');
      expect(translatedStepTitle('ja', 'database-install', 'Install MariaDB', dir)).toBe('Install MariaDB');
      expect(translatedStepTitle('ja', 'database-start', 'Start it', dir)).toBe('Start it');
      expect(translatedStepTitle('en', 'database-install', 'Install the database server', dir)).toBe('Install the database server');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
