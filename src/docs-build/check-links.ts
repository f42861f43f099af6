// Post-build check of the static site: every internal link (href/src) must name a file that
// exists in the output, and every #fragment an id on the target page. A broken link fails the
// build (`node src/docs-build/check-links.ts docs/dist`).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export interface BrokenLink {
  /** Page the link is on, as a site path (`/database/`). */
  page: string;
  href: string;
  reason: string;
}

const ATTRIBUTE = /\s(href|src)="([^"]*)"/g;
const ID = /\s(?:id|name)="([^"]*)"/g;

function htmlFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.html'))
    .map((file) => join(dir, file));
}

function sitePathOf(dist: string, file: string): string {
  const rel = relative(dist, file).split(sep).join('/');
  return '/' + rel.replace(/(^|\/)index\.html$/, '$1');
}

function decodeEntities(text: string): string {
  return text
    .replace(/&amp;/g, '&')
    .replace(/&#38;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'");
}

/** The file a site path is served from, or undefined. */
function fileFor(dist: string, path: string): string | undefined {
  const clean = decodeURIComponent(path).replace(/^\/+/, '');
  const candidates =
    clean === '' || clean.endsWith('/')
      ? [join(dist, clean, 'index.html')]
      : [join(dist, clean), join(dist, clean, 'index.html'), join(dist, `${clean}.html`)];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

export function checkLinks(dist: string, siteOrigin = 'http://site.invalid'): BrokenLink[] {
  const idCache = new Map<string, Set<string>>();
  const idsOf = (file: string) => {
    let ids = idCache.get(file);
    if (!ids) {
      ids = new Set([...readFileSync(file, 'utf8').matchAll(ID)].map((m) => decodeEntities(m[1]!)));
      idCache.set(file, ids);
    }
    return ids;
  };
  const broken: BrokenLink[] = [];
  for (const file of htmlFiles(dist)) {
    const page = sitePathOf(dist, file);
    const html = readFileSync(file, 'utf8')
      // Code shown to the reader is not a link.
      .replace(/<pre[\s\S]*?<\/pre>/g, '');
    for (const match of html.matchAll(ATTRIBUTE)) {
      const href = decodeEntities(match[2]!);
      if (href === '' || href === '#' || /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i.test(href)) continue;
      const url = new URL(href, siteOrigin + page);
      if (url.origin !== siteOrigin) continue;
      const target = fileFor(dist, url.pathname);
      if (!target) {
        broken.push({ page, href, reason: `no file for ${url.pathname}` });
        continue;
      }
      const fragment = decodeURIComponent(url.hash.slice(1));
      if (fragment && target.endsWith('.html') && !idsOf(target).has(fragment)) {
        broken.push({ page, href, reason: `no id "${fragment}" on ${url.pathname}` });
      }
    }
  }
  return broken;
}

if (import.meta.main) {
  const dist = process.argv[2] ?? 'docs/dist';
  if (!existsSync(dist)) {
    console.error(`check-links: ${dist} does not exist; build the site first (npm run docs:build)`);
    process.exit(1);
  }
  const broken = checkLinks(dist);
  for (const link of broken)
    console.error(`broken link on ${link.page}: ${link.href} (${link.reason})`);
  const pages = htmlFiles(dist).length;
  if (broken.length > 0) {
    console.error(`check-links: ${broken.length} broken link(s) in ${pages} pages`);
    process.exit(1);
  }
  console.log(`check-links: ${pages} pages, no broken internal links`);
}
