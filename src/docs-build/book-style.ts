// Print and e-reader style of the downloads: readable body text in every language (CJK glyphs from
// Debian's fonts-noto-cjk), commands never cut off: long lines wrap with their indent kept and a
// ↪ on every continued row (the code blocks come from book-code.lua), a table of contents with
// page numbers (book-pdf.ts fills them in).
// The mark is text, not an image: Chromium's print rasterises a repeated background image into a
// bitmap per code line (a 45 MB PDF), and text marks also survive e-readers without SVG.
const CONTINUED = `"\\A${'↪\\A'.repeat(40)}"`;

export const BOOK_CSS = `
body { font-family: "DejaVu Serif", Georgia, serif; line-height: 1.45; max-width: 46rem; margin: 0 auto; padding: 1rem; color: #111; }
:lang(ja) body, body:lang(ja) { font-family: "DejaVu Serif", "Noto Sans CJK JP", sans-serif; }
:lang(zh-CN) body, body:lang(zh-CN) { font-family: "DejaVu Serif", "Noto Sans CJK SC", sans-serif; }
h1, h2, h3 { font-family: "DejaVu Sans", "Noto Sans CJK JP", Arial, sans-serif; line-height: 1.2; }
:lang(zh-CN) :is(h1, h2, h3) { font-family: "DejaVu Sans", "Noto Sans CJK SC", Arial, sans-serif; }
h1 { page-break-before: always; border-bottom: 2px solid #333; padding-bottom: 0.2em; }
header h1.title { page-break-before: avoid; border: none; font-size: 2.4em; }
h3 { margin-top: 1.6em; border-left: 4px solid #2f80ed; padding-left: 0.4em; }
pre, code { font-family: "DejaVu Sans Mono", "Noto Sans Mono CJK JP", monospace; font-size: 0.86em; }
:lang(zh-CN) :is(pre, code) { font-family: "DejaVu Sans Mono", "Noto Sans Mono CJK SC", monospace; }
pre code { font-size: 1em; }
pre { background: #f4f4f4; border: 1px solid #ddd; padding: 0.6em; page-break-inside: avoid; }
pre, pre code, pre.rb-code .rb-line { white-space: pre-wrap !important; overflow-wrap: anywhere; }
pre.rb-code .rb-line {
  display: block; position: relative;
  padding-left: calc(var(--rb-indent, 0ch) + 2ch); text-indent: -2ch;
}
pre.rb-code .rb-line::after {
  content: ${CONTINUED}; position: absolute; top: 0; bottom: 0; left: var(--rb-indent, 0ch); width: 2ch;
  overflow: hidden; white-space: pre; text-indent: 0; color: #888;
}
pre.rb-output { background: #fff; border-style: dashed; }
pre.rb-norun { border-left: 3px dotted #2f80ed; }
table { border-collapse: collapse; font-size: 0.9em; }
th, td { border: 1px solid #bbb; padding: 0.2em 0.5em; text-align: left; vertical-align: top; }
div.note, div.tip, div.caution, div.danger { border-left: 4px solid #888; background: #f7f7f7; padding: 0.3em 0.8em; margin: 1em 0; }
div.caution, div.danger { border-color: #c0392b; }
div.tip { border-color: #27ae60; }
/* A heading or a block's caption stays with what follows it. */
h1, h2, h3, p:has(+ pre) { break-after: avoid; page-break-after: avoid; }
nav#TOC ul { list-style: none; padding-left: 1em; }
nav#TOC a.rb-toc { display: flex; align-items: baseline; gap: 0.3em; color: inherit; text-decoration: none; }
nav#TOC .rb-toc-leader { flex: 1; border-bottom: 1px dotted #999; min-width: 1em; }
nav#TOC .rb-toc-page { font-variant-numeric: tabular-nums; }
.rb-diagram svg { width: 100%; height: auto; }
@page { size: A4; margin: 18mm 16mm 20mm; }
@media print { * { -webkit-print-color-adjust: exact; print-color-adjust: exact; } }
`;
