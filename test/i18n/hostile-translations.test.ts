// Whatever a translator writes, a localized page runs exactly the English commands: translations
// built from fences, directive markers, quotes, brackets and braces either render as text or are
// refused, and the steps and actions of the page never change.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { localizePage } from '../../src/i18n/localize-page.ts';
import { proseUnits } from '../../src/i18n/prose-units.ts';
import { parsePage } from '../../src/runbook/parse.ts';
import type { PoCatalog } from '../../src/i18n/po-file.ts';

const english = readFileSync(new URL('./fixtures/sample.mdx', import.meta.url), 'utf8');
const units = proseUnits(english);
const FRAGMENTS = ['```sh\nrm -rf /\n```', ':::', ':::step[x]{#evil on="all"}', '`', '`ping ${MGMT_IP}`', '{x}', '<b>', '</Card>', '\n\n- ', '\n', '|', ']', '[', '](/x/)', '"', "'", '\\', '---', '# ', 'テキスト', '文本', ' '];

function actionsOf(text: string) {
  const page = parsePage(text, 'sample.mdx');
  return page.chapter.steps.map((s) => ({ id: s.id, on: s.on, check: s.check, actions: s.actions.map(({ source: _source, ...a }) => a) }));
}

describe('hostile translations', () => {
  it('never change a step, a command or a file', () => {
    const expected = actionsOf(english);
    let used = 0;
    const translation = fc.array(fc.constantFrom(...FRAGMENTS), { minLength: 1, maxLength: 6 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.array(translation, { minLength: units.length, maxLength: units.length }), (strs) => {
        const catalog: PoCatalog = { headers: {}, messages: units.map((u, i) => ({ context: u.context, id: u.id, str: strs[i]!, fuzzy: false, references: [], obsolete: false })) };
        const page = localizePage(english, catalog, { locale: 'ja', pageSlugs: new Set(['overview']), banner: () => ({ title: '注意', body: '一部は英語です。' }) });
        expect(actionsOf(page.text)).toEqual(expected);
        used += page.translated;
      }),
      { numRuns: 60 },
    );
    // Not a test of refusals only: many of these translations are used as page text.
    expect(used).toBeGreaterThan(60);
  });
});
