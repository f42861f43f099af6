// The book's PDF: pandoc's HTML printed by Debian's Chromium (through playwright-core), with an
// outline (PDF bookmarks from the headings), page numbers in the footer and in the table of
// contents. Chromium cannot number a table of contents itself (no CSS target-counter), so the
// book is printed twice: the first print tells on which page each heading landed (`pdfinfo
// -dests`, the named destinations Chromium writes for link targets), the second carries them.
// The first print already holds placeholders as wide as the real numbers, so nothing moves.
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { chromium } from 'playwright-core';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Each `<a href="#id">title</a>` in pandoc's TOC → title, dotted leader, page number. */
export function numberToc(html: string, pageOf: (id: string) => string): string {
  return html.replace(/<nav id="TOC"[\s\S]*?<\/nav>/, (toc) =>
    toc.replace(
      /<a href="#([^"]+)"([^>]*)>([\s\S]*?)<\/a>/g,
      (_whole, id: string, attributes: string, title: string) =>
        `<a href="#${id}"${attributes} class="rb-toc"><span class="rb-toc-title">${title}</span><span class="rb-toc-leader"></span><span class="rb-toc-page">${pageOf(safeDecode(id))}</span></a>`,
    ),
  );
}

/** Named destination → page number, as poppler's pdfinfo lists them. */
export async function destinationPages(pdf: string): Promise<Map<string, number>> {
  const { stdout } = await execa('pdfinfo', ['-dests', pdf]).catch((error: Error) => {
    throw new Error(
      `pdfinfo -dests ${pdf} failed (install Debian's "poppler-utils"): ${error.message}`,
    );
  });
  const pages = new Map<string, number>();
  for (const line of stdout.split('\n')) {
    const match = /^\s*(\d+)\s+\[.*\]\s+"(.*)"\s*$/.exec(line);
    // Chromium writes non-ASCII names percent-encoded; the TOC's links hold them as written.
    if (match) pages.set(safeDecode(match[2]!), Number(match[1]));
  }
  return pages;
}

export async function printBookPdf(options: {
  html: string;
  pdf: string;
  chromium: string;
  /** Footer words around the numbers, e.g. "{page} / {total}". */
  footer?: string;
}): Promise<{ pages: Map<string, number> }> {
  const source = readFileSync(options.html, 'utf8');
  const browser = await chromium.launch({ executablePath: options.chromium, args: CHROMIUM_ARGS });
  try {
    const print = async (html: string) => {
      writeFileSync(options.html, html);
      const page = await browser.newPage();
      await page.goto(pathToFileURL(options.html).href, { waitUntil: 'load' });
      await page.pdf({
        path: options.pdf,
        format: 'A4',
        printBackground: true,
        outline: true,
        tagged: true,
        preferCSSPageSize: true,
        displayHeaderFooter: true,
        headerTemplate: '<span></span>',
        footerTemplate: `<div style="width:100%;text-align:center;font-size:8px;color:#555;font-family:'DejaVu Sans',sans-serif">${(options.footer ?? '{page} / {total}').replace('{page}', '<span class="pageNumber"></span>').replace('{total}', '<span class="totalPages"></span>')}</div>`,
      });
      await page.close();
    };
    await print(numberToc(source, () => '000'));
    const pages = await destinationPages(options.pdf);
    await print(numberToc(source, (id) => String(pages.get(id) ?? '')));
    return { pages };
  } finally {
    await browser.close();
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
