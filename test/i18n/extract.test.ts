// Extraction: every kind of prose becomes a message, nothing executable does.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { proseUnits } from '../../src/i18n/prose-units.ts';
import { pageTemplate } from '../../src/i18n/templates.ts';
import { fileURLToPath } from 'node:url';
import { serializePo } from '../../src/i18n/po-file.ts';
import { stringsInFile } from '../../src/i18n/installer-strings.ts';

const sample = readFileSync(new URL('./fixtures/sample.mdx', import.meta.url), 'utf8');

describe('prose units of a page', () => {
  const units = proseUnits(sample);
  const ids = units.map((u) => u.id);

  it('finds frontmatter, headings, list items, table cells, alt text, quotes, asides, cards and steps', () => {
    expect(ids).toEqual(
      expect.arrayContaining([
        'Sample chapter',
        'A page with every kind of text the extractor knows.',
        'Sample',
        'Intro prose with `ping ${MGMT_IP}` inline and a [link](/overview/).',
        'Database server',
        'First item, wrapped over two lines with `apt-get`.',
        'Second item.',
        'what',
        'gateway',
        'Diagram of the network',
        'A quoted remark that spans two lines.',
        'Install the database server',
        'Prose for the reader, with **bold** text and `${DB_PASSWORD}`.',
        'Add the zone',
        'Creates the zone.',
        'Read this first',
        'Never expose port 8080.',
        'By hand',
        'Read the chapters in order.',
      ]),
    );
  });

  it('gives step titles and step prose the step id as context, and nothing else', () => {
    const byId = new Map(units.map((u) => [u.id, u]));
    expect(byId.get('Install the database server')).toMatchObject({ context: 'database-install', kind: 'step title' });
    expect(byId.get('Prose for the reader, with **bold** text and `${DB_PASSWORD}`.')?.context).toBe('database-install');
    expect(byId.get('Creates the zone.')?.context).toBe('zone-create');
    expect(byId.get('Read this first')).toMatchObject({ context: undefined, kind: 'aside title' });
    expect(byId.get('Database server')?.context).toBeUndefined();
  });

  it('extracts nothing executable: no code, file content, cmk line, attribute, import or bare value', () => {
    const all = ids.join('\n');
    for (const forbidden of ['apt-get install', 'bind-address', 'create zone', 'systemctl', 'ZONE_ID', 'import {', 'open-book', '172.16.10.1', '10.0.0.0/8']) {
      expect(all, forbidden).not.toContain(forbidden);
    }
    expect(ids).not.toContain('3'); // sidebar.order
  });

  it('records each unit at its line in the page', () => {
    const lines = sample.split('\n');
    for (const u of units) expect(lines[u.line - 1], u.id).toContain(u.id.split(' ')[0]!.replace(/^\*\*/, ''));
  });
});

describe('page template', () => {
  it('references page:line, carries msgctxt and a hint to keep code spans', () => {
    const pot = serializePo(pageTemplate(sample, 'sample.mdx', fileURLToPath(new URL('../../docs/src/content/docs', import.meta.url))));
    expect(pot).toContain('#: docs/src/content/docs/sample.mdx:30');
    expect(pot).toContain('msgctxt "database-install"\nmsgid "Install the database server"');
    expect(pot).toMatch(/#\. paragraph; keep every `code` span[^\n]*\nmsgid "Intro prose with `ping \$\{MGMT_IP\}` inline/);
  });
});

describe('installer strings', () => {
  it('finds t() and N_() calls with literal text, and nothing else', () => {
    const found = stringsInFile(
      [
        "import { t } from '../src/i18n/translate.ts';",
        "console.log(t('Connected to {host}', { host }));",
        "const later = N_('Marked for later');",
        '// t("in a comment")',
        "const s = 't(\"in a string\")';",
        "other.t('a method');",
        't(`template ${x}`);',
        't(`plain template`);',
      ].join('\n'),
      'x.ts',
    );
    expect(found.map((f) => [f.id, f.line])).toEqual([
      ['Connected to {host}', 2],
      ['Marked for later', 3],
      ['plain template', 8],
    ]);
  });
});
