// Docs build time per page and per locale: `npm run docs:build` (the static site, its
// translations and the PDF/EPUB downloads) timed once, divided by the pages and locales built.
// Pending (exit 3, nothing measured) while package.json has no docs:build script.
//   node bench/docs-build.ts [--json FILE]
import { execa } from 'execa';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { json: { type: 'string' } } });
const REPO = new URL('..', import.meta.url).pathname;

export type DocsBuildResult = { pending: string } | { totalMs: number; pages: number; locales: string[]; msPerPage: number; msPerLocale: number };

function htmlPages(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir).reduce((n, e) => {
    const full = join(dir, e);
    return n + (statSync(full).isDirectory() ? htmlPages(full) : e.endsWith('.html') ? 1 : 0);
  }, 0);
}

async function measure(): Promise<DocsBuildResult> {
  const scripts = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }).scripts ?? {};
  if (!scripts['docs:build']) return { pending: 'package.json has no docs:build script yet' };
  const start = performance.now();
  const r = await execa('npm', ['run', '--silent', 'docs:build'], { cwd: REPO, reject: false });
  const totalMs = performance.now() - start;
  if (r.exitCode !== 0) return { pending: `npm run docs:build failed (exit ${r.exitCode}): ${String(r.stderr).slice(-300)}` };
  const localesDir = join(REPO, 'locales');
  const locales = ['en', ...(existsSync(localesDir) ? readdirSync(localesDir).filter((d) => d !== 'templates' && statSync(join(localesDir, d)).isDirectory()) : [])];
  const pages = htmlPages(join(REPO, 'docs', 'dist'));
  return { totalMs, pages, locales, msPerPage: totalMs / Math.max(1, pages), msPerLocale: totalMs / locales.length };
}

const result = await measure();
if ('pending' in result) console.log(`docs build: pending (${result.pending})`);
else console.log(`docs build: ${(result.totalMs / 1000).toFixed(1)} s for ${result.pages} pages in ${result.locales.length} locales: ${result.msPerPage.toFixed(0)} ms per page, ${(result.msPerLocale / 1000).toFixed(1)} s per locale`);
if (values.json) writeFileSync(values.json, JSON.stringify(result, null, 2));
process.exitCode = 'pending' in result ? 3 : 0;
