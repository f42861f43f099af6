// Print and e-reader style of the downloads: readable body text, commands never cut off.
export const BOOK_CSS = `
body { font-family: "DejaVu Serif", Georgia, serif; line-height: 1.45; max-width: 46rem; margin: 0 auto; padding: 1rem; color: #111; }
h1, h2, h3 { font-family: "DejaVu Sans", Arial, sans-serif; line-height: 1.2; }
h1 { page-break-before: always; border-bottom: 2px solid #333; padding-bottom: 0.2em; }
header h1.title { page-break-before: avoid; border: none; font-size: 2.4em; }
h3 { margin-top: 1.6em; border-left: 4px solid #2f80ed; padding-left: 0.4em; }
pre, code { font-family: "DejaVu Sans Mono", monospace; font-size: 0.86em; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #f4f4f4; border: 1px solid #ddd; padding: 0.6em; page-break-inside: avoid; }
table { border-collapse: collapse; font-size: 0.9em; }
th, td { border: 1px solid #bbb; padding: 0.2em 0.5em; text-align: left; vertical-align: top; }
div.note, div.tip, div.caution, div.danger { border-left: 4px solid #888; background: #f7f7f7; padding: 0.3em 0.8em; margin: 1em 0; }
div.caution, div.danger { border-color: #c0392b; }
div.tip { border-color: #27ae60; }
nav#TOC ul { list-style: none; padding-left: 1em; }
@page { size: A4; margin: 18mm 16mm; }
`;
