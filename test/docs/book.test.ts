// The book behind the PDF/EPUB: chapters in runbook order, each step from the parser in page
// order (prose, commands, sample output), asides and tables kept, site links made book links.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadRunbook } from '../../src/runbook/load.ts';
import { bookMarkdown } from '../../src/docs-build/book-markdown.ts';
import { numberToc } from '../../src/docs-build/book-pdf.ts';

const dir = new URL('../fixtures/docs-book/', import.meta.url).pathname;
const { runbook, problems } = loadRunbook(dir);
const book = bookMarkdown(runbook, {
  readPage: (file) => readFileSync(`${dir}${file}`, 'utf8'),
  title: 'Test book',
  subtitle: 'fixture',
  variables: { MGMT_IP: '172.16.10.2' },
  variableHelp: { MGMT_IP: 'management.address' },
});

function inOrder(...parts: string[]): void {
  let from = 0;
  for (const part of parts) {
    const at = book.indexOf(part, from);
    expect(at, `"${part}" after position ${from}`).toBeGreaterThanOrEqual(0);
    from = at + part.length;
  }
}

describe('bookMarkdown', () => {
  it('reads a fixture runbook the parser accepts', () => {
    expect(problems).toEqual([]);
  });

  it('puts chapters in sidebar order with their descriptions', () => {
    inOrder(
      '# Database {#chapter-database}',
      '# Storage {#chapter-storage}',
      '*NFS for the cloud.*',
      '# Variables {#chapter-variables}',
    );
  });

  it('writes each step with its id, where it runs, its check, and prose and commands in page order', () => {
    inOrder(
      '### Export the folders {#nfs-exports}',
      '**Runs on:** Management server.',
      '**Already done if:** `test -d ${PRIMARY_EXPORT}`',
      'First the package.',
      '```bash\napt-get install -y nfs-kernel-server\n```',
      'Then the exports file.',
      'File `/etc/exports` (mode 0644):',
      '${PRIMARY_EXPORT} ${NETWORK_CIDR}(rw,async,no_root_squash)',
      'What you should see:',
      '```{.output}',
      'exporting 172.16.10.0/24:/export/primary',
    );
  });

  it('shows sample output as the documented site prints it (commands keep their variables)', () => {
    // A table of output keeps its columns only with the values in it.
    expect(book).toContain('shown by 172.16.10.2, not by ${NOT_A_VARIABLE}');
    expect(book).not.toContain('shown by ${MGMT_IP}');
  });

  it('keeps consecutive API calls together as the reader pastes them into cmk', () => {
    inOrder(
      '### Create the zone {#zone-create}',
      'API calls in CloudMonkey (cmk) syntax:\n\n```\ncreate zone name=${ZONE_NAME} networktype=Advanced dns1=${DNS1} internaldns1=${GATEWAY}\nlist zones name=${ZONE_NAME}\n```',
    );
  });

  it('keeps asides, tables and links, dropping MDX imports and frontmatter', () => {
    expect(book).toContain("::: {.caution}\n**Mind the network:** Only the cloud's network.\n:::");
    expect(book).toContain('| `/export/primary` | disks |');
    expect(book).toContain('[management server](#db-install)');
    expect(book).not.toContain('import { Aside }');
    expect(book).not.toContain('sidebar:');
  });

  it('ends with the variables and their defaults', () => {
    expect(book).toContain('| `${MGMT_IP}` | `172.16.10.2` | management.address |');
  });
});

describe('the book in a translation', () => {
  const page = [
    '---',
    'title: ゾーン',
    '---',
    '',
    '## <span id="the-addresses"></span>アドレス',
    '',
    '[概要](/ja/overview/#two-ways-to-follow-it) と [ゾーン](/ja/zone/)。',
  ].join('\n');
  const labels: Record<string, string> = {
    'runbook.book.contents': '目次',
    'runbook.book.variables': '変数',
  };
  const translated = bookMarkdown(
    { ...runbook, chapters: [{ ...runbook.chapters[0]!, file: 'zone.mdx', steps: [] }] },
    {
      readPage: () => page,
      title: 'T',
      subtitle: 's',
      variables: {},
      variableHelp: {},
      lang: 'ja',
      locale: 'ja',
      ui: (key) => labels[key] ?? key,
    },
  );

  it('gives the language, the contents title and the labels in that language', () => {
    expect(translated).toContain('lang: "ja"');
    expect(translated).toContain('toc-title: "目次"');
    expect(translated).toContain('# 変数 {#chapter-variables}');
  });

  it('keeps a translated heading’s English anchor as the heading id, not as a span the contents would copy', () => {
    expect(translated).toContain('## アドレス {#the-addresses}');
    expect(translated).not.toContain('<span id="the-addresses">');
  });

  it('turns the translated site’s links into links inside the book', () => {
    expect(translated).toContain('[概要](#two-ways-to-follow-it) と [ゾーン](#chapter-zone)');
  });
});

describe('numbered table of contents', () => {
  it('gives every contents entry its page, non-ASCII ids included', () => {
    const html =
      '<nav id="TOC"><ul><li><a href="#chapter-zone" id="toc-chapter-zone">ゾーン</a></li><li><a href="#アドレス">アドレス</a></li></ul></nav><h1 id="chapter-zone">ゾーン</h1>';
    const pages = new Map([
      ['chapter-zone', 26],
      ['アドレス', 3],
    ]);
    const numbered = numberToc(html, (id) => String(pages.get(id) ?? ''));
    expect(numbered).toContain(
      '<span class="rb-toc-title">ゾーン</span><span class="rb-toc-leader"></span><span class="rb-toc-page">26</span>',
    );
    expect(numbered).toContain('<span class="rb-toc-page">3</span>');
    expect(numbered).toContain('<h1 id="chapter-zone">ゾーン</h1>');
  });
});
