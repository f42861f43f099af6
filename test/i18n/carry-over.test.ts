// i18n:update after the English changed: no translation is lost. A changed sentence keeps its
// old translation as fuzzy with the previous msgid; changing it back makes it exact again; a
// removed sentence becomes an obsolete entry.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { catalogPath, updateCatalogs } from '../../src/i18n/catalog-tools.ts';
import { readPo, writePo, type PoMessage } from '../../src/i18n/po-file.ts';
import { proseUnits } from '../../src/i18n/prose-units.ts';
import { workspace, type Workspace } from './support/workspace.ts';

const PAGE = 'overview.mdx';
let ws: Workspace | undefined;
afterEach(() => ws?.remove());

function find(lang: string, id: string, context?: string): PoMessage | undefined {
  return readPo(catalogPath(ws!, lang, 'overview'))!.messages.find((m) => m.id === id && m.context === context && !m.obsolete);
}

describe('i18n:update keeps translations when the English changes', () => {
  it('changed → fuzzy with #| msgid; reverted → exact; removed → obsolete', () => {
    ws = workspace([PAGE]);
    updateCatalogs(ws, ['ja']);
    const pageFile = join(ws.docsDir, PAGE);
    const english = readFileSync(pageFile, 'utf8');
    const paragraphs = proseUnits(english).filter((u) => u.kind === 'paragraph' && u.id.length > 60);
    const target = paragraphs[0]!;
    const gone = paragraphs[1]!;
    // Make sure both sentences are translated (the real catalog may lag behind the English).
    const file = catalogPath(ws, 'ja', 'overview');
    const catalog = readPo(file)!;
    for (const m of catalog.messages) if (m.id === target.id || m.id === gone.id) m.str ||= `訳: ${m.id}`;
    writePo(file, catalog);
    const translation = find('ja', target.id)!.str;
    const goneTranslation = find('ja', gone.id)!.str;
    expect(translation).not.toBe('');

    // Change one sentence of the first paragraph and delete the second paragraph.
    const changedId = target.id.replace(/\.\s*$/, ', and more.');
    const original = english.slice(target.start, target.end);
    const changed = english.slice(0, target.start) + original.replace(/\.\s*$/, ', and more.') + english.slice(target.end, gone.start) + english.slice(gone.end);
    writeFileSync(pageFile, changed);
    updateCatalogs(ws, ['ja']);

    const fuzzy = find('ja', changedId)!;
    expect(fuzzy).toMatchObject({ fuzzy: true, str: translation, previous: { id: target.id } });
    expect(find('ja', target.id)).toBeUndefined();
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('#, fuzzy');
    expect(text).toContain(`#| msgid ${JSON.stringify(target.id.slice(0, 20)).slice(0, -1)}`);
    const obsolete = readPo(file)!.messages.find((m) => m.obsolete && m.id === gone.id);
    expect(obsolete?.str).toBe(goneTranslation);
    expect(text).toMatch(/^#~ msgid /m);

    // Revert the English: the translation is exact again, and the removed text comes back too.
    writeFileSync(pageFile, english);
    const reports = updateCatalogs(ws, ['ja']);
    expect(find('ja', target.id)).toMatchObject({ fuzzy: false, str: translation, previous: undefined });
    expect(find('ja', gone.id)).toMatchObject({ fuzzy: false, str: goneTranslation });
    expect(find('ja', changedId)).toBeUndefined();
    expect(reports.find((r) => r.domain === 'overview')!.stats.fuzzy).toBe(0);
  });

  it('keeps every translation across an update that changes nothing, and the file is stable', () => {
    ws = workspace([PAGE]);
    updateCatalogs(ws, ['zh-CN']);
    const file = catalogPath(ws, 'zh-CN', 'overview');
    const before = readFileSync(file, 'utf8');
    updateCatalogs(ws, ['zh-CN']);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });
});

describe('merge rules', () => {
  const msg = (id: string, str = '', context?: string) => ({ id, str, context, fuzzy: false, references: [], obsolete: false });

  it('a renamed step keeps its translations exact; a changed sentence in it becomes fuzzy', async () => {
    const { mergeCatalog } = await import('../../src/i18n/merge.ts');
    const old = { headers: {}, messages: [msg('Install the database', 'データベースをインストール', 'db-install'), msg('It takes a minute.', '1 分かかります。', 'db-install')] };
    const template = { headers: {}, messages: [msg('Install the database', '', 'database-install'), msg('It takes two minutes.', '', 'database-install')] };
    const { catalog, stats } = mergeCatalog(template, old, {});
    expect(catalog.messages[0]).toMatchObject({ context: 'database-install', str: 'データベースをインストール', fuzzy: false });
    expect(catalog.messages[1]).toMatchObject({ str: '1 分かかります。', fuzzy: true, previous: { context: 'db-install', id: 'It takes a minute.' } });
    expect(stats).toEqual({ exact: 1, fuzzy: 1, untranslated: 0, obsolete: 0 });
  });

  it('an unrelated new sentence stays untranslated rather than borrowing a translation', async () => {
    const { mergeCatalog } = await import('../../src/i18n/merge.ts');
    const old = { headers: {}, messages: [msg('Install MariaDB from Debian.', 'Debian から MariaDB をインストールします。')] };
    const template = { headers: {}, messages: [msg('Open port 8080 in the firewall of the host.')] };
    const { catalog, stats } = mergeCatalog(template, old, {});
    expect(catalog.messages[0]).toMatchObject({ str: '', fuzzy: false });
    expect(catalog.messages[1]).toMatchObject({ obsolete: true, str: 'Debian から MariaDB をインストールします。' });
    expect(stats).toEqual({ exact: 0, fuzzy: 0, untranslated: 1, obsolete: 1 });
  });
});

describe('numbers-only changes', () => {
  it('carry the translation with the new numbers when the mapping is unambiguous', async () => {
    const { withNewNumbers, mergeCatalog } = await import('../../src/i18n/merge.ts');
    expect(withNewNumbers('Runs: 30116, of which 30113 passed.', 'Runs: 30200, of which 30199 passed.', '実行: 30116 回、うち 30113 回が成功。')).toBe('実行: 30200 回、うち 30199 回が成功。');
    // A changed word is not a numbers-only change.
    expect(withNewNumbers('Runs: 3, all passed.', 'Runs: 4, all failed.', '実行: 3 回')).toBeUndefined();
    // The same old number becoming two different new ones is ambiguous.
    expect(withNewNumbers('at 21:21', 'at 21:22', '21:21 に')).toBeUndefined();
    // The translation does not carry the number (spelled out): leave it to a translator.
    expect(withNewNumbers('3 hosts', '4 hosts', '三台のホスト')).toBeUndefined();
    const msg = (id: string, str = '') => ({ id, str, fuzzy: false, references: [], obsolete: false });
    const { catalog } = mergeCatalog({ headers: {}, messages: [msg('Scenarios: 21.')] }, { headers: {}, messages: [msg('Scenarios: 20.', 'シナリオ: 20。')] }, {});
    expect(catalog.messages).toEqual([expect.objectContaining({ id: 'Scenarios: 21.', str: 'シナリオ: 21。', fuzzy: false })]);
  });
});
