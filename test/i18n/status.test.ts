// `npm run i18n:status`: the table a translator reads, and the state of the shipped catalogs.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { formatStatus, languageTotals, translationStatus, type StatusRow } from '../../src/i18n/status.ts';
import { LANGUAGES, REPO_ROOT } from '../../src/i18n/languages.ts';
import { readPo, writePo } from '../../src/i18n/po-file.ts';
import { catalogPath, updateCatalogs } from '../../src/i18n/catalog-tools.ts';
import { workspace } from './support/workspace.ts';
import { installerStrings } from '../../src/i18n/installer-strings.ts';

describe('i18n:status', () => {
  it('counts translated, fuzzy and untranslated strings per language and page', () => {
    const ws = workspace(['overview.mdx']);
    try {
      updateCatalogs(ws, ['ja']);
      const file = catalogPath(ws, 'ja', 'overview');
      const catalog = readPo(file)!;
      const live = catalog.messages.filter((m) => !m.obsolete);
      live.forEach((m, i) => {
        m.str = i % 3 === 0 ? '' : `訳 ${m.id}`;
        m.fuzzy = i % 3 === 1;
      });
      writePo(file, catalog);
      const row = translationStatus(ws, ['ja']).find((r) => r.domain === 'overview')!;
      const expected = { total: live.length, untranslated: live.filter((_, i) => i % 3 === 0).length, fuzzy: live.filter((_, i) => i % 3 === 1).length };
      expect(row).toMatchObject({ ...expected, translated: expected.total - expected.untranslated - expected.fuzzy, invalid: 0 });
      expect(formatStatus([row])).toMatch(/^language +catalog +translated +fuzzy +untranslated +strings\nja +\(all\)/);
    } finally {
      ws.remove();
    }
  });

  it('prints the table from the command line', () => {
    const out = execFileSync(process.execPath, ['scripts/i18n/cli.ts', 'status'], { cwd: REPO_ROOT, encoding: 'utf8' });
    for (const l of LANGUAGES) expect(out).toMatch(new RegExp(`^${l.lang} +installer `, 'm'));
  });
});

describe('the shipped translations', () => {
  // Fails when the English changed and the catalogs were not updated and translated: run
  // `npm run i18n:update`, translate the fuzzy and empty entries, and `npm run i18n:status`.
  it('Japanese and Simplified Chinese cover every current string, none fuzzy or invalid', () => {
    const rows = translationStatus(undefined, undefined, () => installerStrings().map((f) => f.id));
    const incomplete = (lang: string) =>
      rows.filter((r: StatusRow) => r.lang === lang && r.translated < r.total).map((r) => `${r.domain}: ${r.untranslated} untranslated, ${r.fuzzy} fuzzy`);
    for (const l of LANGUAGES) {
      expect(incomplete(l.lang), l.lang).toEqual([]);
      const total = languageTotals(rows).find((t) => t.lang === l.lang)!;
      expect(total.total).toBeGreaterThan(0);
      expect(total).toMatchObject({ fuzzy: 0, invalid: 0, untranslated: 0 });
    }
  });
});
