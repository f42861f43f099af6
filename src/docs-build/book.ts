// Builds the PDF and EPUB downloads from the runbook model:
//   Runbook ─bookMarkdown─▶ book.md ─pandoc─▶ book.epub
//                                    └pandoc─▶ book.html ─Chromium print (book-pdf.ts)─▶ book.pdf
// PDF goes through Chromium's print engine rather than LaTeX: Chromium is already needed for
// the site's browser tests, while texlive-xetex would add about a gigabyte for one file.
// Code blocks pass through book-code.lua (wrapping lines, indent kept); book-pdf.ts adds the
// outline and the page numbers.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Runbook } from '../runbook/model.ts';
import { bookMarkdown, type BookOptions } from './book-markdown.ts';
import { BOOK_CSS } from './book-style.ts';
import { pandoc } from './pandoc.ts';
import { printBookPdf } from './book-pdf.ts';

const CODE_FILTER = fileURLToPath(new URL('./book-code.lua', import.meta.url));

export interface BuildBookOptions extends Omit<BookOptions, 'readPage'> {
  runbook: Runbook;
  outDir: string;
  /** File name without extension. */
  baseName: string;
  /** Chromium binary (Debian's). */
  chromium?: string;
  /** Keep the intermediate markdown/HTML (for debugging); they are deleted otherwise. */
  keepWork?: boolean;
}

export interface BuiltBook {
  markdown: string;
  html: string;
  pdf: string;
  epub: string;
}

export async function buildBook(options: BuildBookOptions): Promise<BuiltBook> {
  const outDir = resolve(options.outDir);
  mkdirSync(outDir, { recursive: true });
  // Intermediate files (markdown, HTML, CSS) stay out of the published folder.
  const work = mkdtempSync(join(tmpdir(), 'runbook-book-'));
  const file = (ext: string) =>
    join(['pdf', 'epub'].includes(ext) ? outDir : work, `${options.baseName}.${ext}`);
  const markdown = bookMarkdown(options.runbook, {
    ...options,
    readPage: (page) => readFileSync(join(options.runbook.dir, page), 'utf8'),
  });
  writeFileSync(file('md'), markdown);
  writeFileSync(file('css'), BOOK_CSS);

  const common = [
    '--from=commonmark_x+yaml_metadata_block-smart',
    '--toc',
    '--toc-depth=2',
    `--css=${file('css')}`,
    `--lua-filter=${CODE_FILTER}`,
  ];
  await runPandoc(
    file('md'),
    [...common, '--to=epub3', '--split-level=1', `--output=${file('epub')}`].filter(notLegacy),
    file('epub'),
  );
  await runPandoc(
    file('md'),
    [...common, '--to=html5', '--standalone', '--self-contained', `--output=${file('html')}`],
    file('html'),
  );
  const chromiumPath = options.chromium ?? '/usr/bin/chromium';
  if (!existsSync(chromiumPath))
    throw new Error(
      `${chromiumPath} not found: install Debian's "chromium" package to build the PDF`,
    );
  await printBookPdf({ html: file('html'), pdf: file('pdf'), chromium: chromiumPath });
  if (!existsSync(file('pdf')) || statSync(file('pdf')).size === 0)
    throw new Error(`chromium did not write ${file('pdf')}`);
  if (!options.keepWork) rmSync(work, { recursive: true, force: true });
  return { markdown: file('md'), html: file('html'), pdf: file('pdf'), epub: file('epub') };
}

// `--split-level` is pandoc ≥ 3; Debian 12's pandoc 2.17 splits EPUB chapters at level 1 by default.
function notLegacy(arg: string): boolean {
  return !arg.startsWith('--split-level');
}

/** pandoc's success is judged by the file it was asked to write (node-pandoc gives no exit code). */
async function runPandoc(input: string, args: string[], output: string): Promise<void> {
  const { messages } = await pandoc(input, args);
  if (existsSync(output) && statSync(output).size > 0) return;
  throw new Error(
    `pandoc did not write ${output}: ${messages || 'no message'} (is the Debian package "pandoc" installed?)`,
  );
}
