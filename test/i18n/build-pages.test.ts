// The generated localized pages: translated prose, every command byte for byte, English where
// a translation is missing, fuzzy or breaks a code span, and a banner on pages not fully translated.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLocalizedPages, buildWarnings, type PageReport } from '../../src/i18n/build-pages.ts';
import { catalogPath } from '../../src/i18n/catalog-tools.ts';
import { translatorFor } from '../../src/i18n/installer-catalog.ts';
import { LANGUAGES } from '../../src/i18n/languages.ts';
import { readPo, writePo } from '../../src/i18n/po-file.ts';
import { parseMdx, proseUnits } from '../../src/i18n/prose-units.ts';
import { parsePage } from '../../src/runbook/parse.ts';
import { workspace, type Workspace } from './support/workspace.ts';

interface Node { type: string; children?: Node[]; position?: { start: { offset?: number }; end: { offset?: number } } }

/** The raw source of every code block (fence, info string, content), in page order. */
function codeBlocks(text: string): string[] {
  const out: string[] = [];
  const visit = (n: Node) => {
    if (n.type === 'code') out.push(text.slice(n.position!.start.offset, n.position!.end.offset));
    for (const c of n.children ?? []) visit(c);
  };
  visit(parseMdx(text) as unknown as Node);
  return out;
}

function withoutSources(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (k, v) => (k === 'source' || k === 'line' || k === 'prose' || k === 'title' || k === 'chapter' ? undefined : v)));
}

describe('localized pages from the real runbook and catalogs', () => {
  let ws: Workspace;
  let reports: PageReport[];
  beforeAll(() => {
    ws = workspace();
    reports = buildLocalizedPages(ws);
  });
  afterAll(() => ws.remove());

  it('writes every page in every language', () => {
    expect(reports.length).toBeGreaterThan(0);
    expect(new Set(reports.map((r) => r.lang))).toEqual(new Set(LANGUAGES.map((l) => l.lang)));
    expect(reports.filter((r) => r.error)).toEqual([]);
  });

  it('keeps every code block, file block and cmk line byte-identical, and the same steps and actions', () => {
    for (const r of reports) {
      const locale = LANGUAGES.find((l) => l.lang === r.lang)!.locale;
      const english = readFileSync(join(ws.docsDir, r.file), 'utf8');
      const localized = readFileSync(join(ws.docsDir, locale, r.file), 'utf8');
      const a = codeBlocks(english);
      expect(codeBlocks(localized), `${r.lang} ${r.file}`).toEqual(a);
      const en = parsePage(english, r.file);
      const lo = parsePage(localized, r.file);
      expect(lo.problems, `${r.lang} ${r.file}`).toEqual(en.problems.map((p) => ({ ...p, line: expect.any(Number) })));
      expect(withoutSources(lo.chapter.steps), `${r.lang} ${r.file}`).toEqual(withoutSources(en.chapter.steps));
      const cmk = en.chapter.steps.flatMap((s) => s.actions).filter((x) => x.kind === 'api').map((x) => x.text);
      expect(lo.chapter.steps.flatMap((s) => s.actions).filter((x) => x.kind === 'api').map((x) => x.text)).toEqual(cmk);
    }
  });

  it('shows translated step titles where the catalog has them', () => {
    for (const r of reports) {
      const locale = LANGUAGES.find((l) => l.lang === r.lang)!.locale;
      const catalog = readPo(catalogPath(ws, r.lang, r.file.replace(/\.mdx$/, '')));
      const english = parsePage(readFileSync(join(ws.docsDir, r.file), 'utf8'), r.file).chapter.steps;
      const localized = parsePage(readFileSync(join(ws.docsDir, locale, r.file), 'utf8'), r.file).chapter.steps;
      english.forEach((step, i) => {
        const m = catalog?.messages.find((x) => x.context === step.id && x.id === step.title && !x.fuzzy && !x.obsolete && x.str);
        expect(localized[i]!.title).toBe(m ? m.str : step.title);
      });
    }
  });
});

describe('fallbacks and the banner', () => {
  const page = 'sample.mdx';
  const english = readFileSync(new URL('./fixtures/sample.mdx', import.meta.url), 'utf8');
  let ws: Workspace;
  beforeAll(() => {
    ws = workspace([]);
    writeFileSync(join(ws.docsDir, page), english);
    writeFileSync(join(ws.docsDir, 'overview.mdx'), '---\ntitle: Overview\n---\n\nLinked from the sample.\n');
  });
  afterAll(() => ws.remove());

  function build(translate: (id: string) => { str: string; fuzzy?: boolean } | undefined) {
    const units = proseUnits(english);
    const messages = units.map((u) => {
      const t = translate(u.id);
      return { context: u.context, id: u.id, str: t?.str ?? '', fuzzy: t?.fuzzy ?? false, references: [], obsolete: false };
    });
    writePo(catalogPath(ws, 'ja', 'sample'), { headers: { Language: 'ja' }, messages });
    const reports = buildLocalizedPages(ws, LANGUAGES.filter((l) => l.lang === 'ja')).filter((r) => r.file === page);
    return { report: reports[0]!, text: readFileSync(join(ws.docsDir, 'ja', page), 'utf8'), warnings: buildWarnings(reports) };
  }

  it('a fully translated page has no banner and carries the translations', () => {
    const { report, text } = build((id) => ({ str: id === 'Install the database server' ? 'データベースサーバーのインストール' : `【${id}】` }));
    expect(report.translated).toBe(report.total);
    expect(text).not.toMatch(/^---\n[\s\S]*?\n---\n\n:::note/);
    expect(text).toContain(':::step[データベースサーバーのインストール]{#database-install on="management" check="systemctl is-active --quiet mariadb"}');
    expect(text).toContain('title: "【Sample chapter】"');
    expect(text).toContain('[link](/ja/overview/)');
    expect(text).toContain('- 【First item, wrapped over two lines with `apt-get`.】');
    expect(text).toContain('| 【gateway】 |');
  });

  it('untranslated and fuzzy texts stay English, and the page gets a banner naming its catalog', () => {
    const { report, text } = build((id) =>
      id === 'Second item.' ? undefined : id === 'Creates the zone.' ? { str: 'ゾーンを作成します。', fuzzy: true } : { str: `【${id}】` },
    );
    expect(report.translated).toBe(report.total - 2);
    // The banner is in the page's language (from locales/ja/installer.po) and names the catalog.
    const banner = translatorFor('ja', ws.localesDir)('This page is not fully translated');
    expect(banner).not.toBe('This page is not fully translated');
    const at = text.indexOf(`\n---\n\n:::note[${banner}]\n`);
    expect(at).toBeGreaterThan(0);
    expect(at).toBe(text.indexOf('\n---\n')); // right after the frontmatter
    expect(text).toMatch(/^:::note.*\n.*`locales\/ja\/sample\.po`/m);
    expect(text).toContain('- Second item.');
    expect(text).toContain('\nCreates the zone.\n');
    expect(text).not.toContain('ゾーンを作成します。');
  });

  it('a translation that changes a code span is not used and is reported', () => {
    const { text, warnings } = build((id) => ({ str: id.startsWith('Intro prose') ? '`ping ${GATEWAY}` を実行します。' : `【${id}】` }));
    expect(text).toContain('Intro prose with `ping ${MGMT_IP}` inline');
    expect(warnings.join('\n')).toMatch(/sample\.mdx:11: translation not used: every code span must be kept exactly/);
  });
});

describe('the last line of defence', () => {
  it('notices a code block that left its step, even though its text is unchanged', async () => {
    const { sameExecutableContent } = await import('../../src/i18n/localize-page.ts');
    const english = readFileSync(new URL('./fixtures/sample.mdx', import.meta.url), 'utf8');
    expect(sameExecutableContent(english, english.replace('Creates the zone.', 'ゾーンを作成します。'))).toBeUndefined();
    expect(sameExecutableContent(english, english.replace('Creates the zone.', ':::\nCreates the zone.'))).toMatch(/differs|code blocks/);
  });
});

describe('regenerating', () => {
  it('rewrites only changed pages and removes pages whose English page is gone', async () => {
    const { statSync, unlinkSync, existsSync } = await import('node:fs');
    const ws = workspace(['overview.mdx', 'storage.mdx']);
    try {
      const ja = LANGUAGES.filter((l) => l.lang === 'ja');
      buildLocalizedPages(ws, ja);
      const storage = join(ws.docsDir, 'ja', 'storage.mdx');
      const before = statSync(storage).mtimeMs;
      writeFileSync(join(ws.docsDir, 'overview.mdx'), readFileSync(join(ws.docsDir, 'overview.mdx'), 'utf8') + '\nOne more sentence.\n');
      await new Promise((r) => setTimeout(r, 20));
      buildLocalizedPages(ws, ja);
      expect(statSync(storage).mtimeMs).toBe(before);
      expect(readFileSync(join(ws.docsDir, 'ja', 'overview.mdx'), 'utf8')).toContain('One more sentence.');
      unlinkSync(join(ws.docsDir, 'storage.mdx'));
      buildLocalizedPages(ws, ja);
      expect(existsSync(storage)).toBe(false);
    } finally {
      ws.remove();
    }
  });
});
