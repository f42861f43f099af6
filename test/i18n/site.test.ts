// The docs site with the translation integration, built from a copy of docs/ with exactly the
// lines the lead adds to docs/astro.config.mjs: Japanese and Chinese pages at /ja/ and /zh-cn/,
// and the /translations/ status page.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCS_CONTENT_DIR, LANGUAGES, REPO_ROOT } from '../../src/i18n/languages.ts';
import { readPo } from '../../src/i18n/po-file.ts';
import { catalogPath, DEFAULT_PATHS } from '../../src/i18n/catalog-tools.ts';
import { checkLinks } from '../../src/docs-build/check-links.ts';

const root = join(REPO_ROOT, 'test/.artifacts/i18n-site');
const docs = join(root, 'docs');
const dist = join(root, 'dist');

/**
 * docs/astro.config.mjs with the translation lines (see the i18n report) pointed at a copy of the
 * site: when the config already has them, their arguments are set; otherwise they are added
 * (the pages are written before the config looks at the content folders; the integration
 * serves /translations/ and regenerates in dev).
 */
export function withTranslations(config: string, pathsArg = ''): string {
  let out = config;
  if (/prepareTranslations\(\)/.test(out) && /runbookTranslations\(\)/.test(out)) {
    out = out.replace('prepareTranslations()', `prepareTranslations(${pathsArg})`).replace('runbookTranslations()', `runbookTranslations(${pathsArg})`);
  } else {
    out = out.replace(
      "import starlight from '@astrojs/starlight';",
      `import starlight from '@astrojs/starlight';\nimport { prepareTranslations, runbookTranslations } from './src/i18n/integration.ts';\nprepareTranslations(${pathsArg});`,
    );
    out = out.replace(/integrations: \[\n(\s*)starlight\(\{\n/, (_m, indent: string) => `integrations: [\n${indent}runbookTranslations(${pathsArg}),\n${indent}starlight({\n`);
  }
  if (!out.includes(`prepareTranslations(${pathsArg})`) || !out.includes(`runbookTranslations(${pathsArg})`) || !/locales:/.test(out)) {
    throw new Error('docs/astro.config.mjs changed shape (no starlight import, integrations list or locales): update withTranslations()');
  }
  return out;
}

describe('docs site with translations', () => {
  beforeAll(async () => {
    rmSync(root, { recursive: true, force: true });
    mkdirSync(root, { recursive: true });
    cpSync(join(REPO_ROOT, 'docs'), docs, {
      recursive: true,
      filter: (src) => !/\/docs\/(dist|\.astro|node_modules)(\/|$)/.test(src) && !LANGUAGES.some((l) => src.startsWith(join(DOCS_CONTENT_DIR, l.locale))),
    });
    cpSync(join(REPO_ROOT, 'package.json'), join(root, 'package.json'));
    symlinkSync(join(REPO_ROOT, 'src'), join(root, 'src'));
    const contentDir = join(docs, 'src/content/docs');
    const config = withTranslations(readFileSync(join(REPO_ROOT, 'docs/astro.config.mjs'), 'utf8'), `{ docsDir: ${JSON.stringify(contentDir)} }`)
      .replace("outDir: './dist',", `outDir: ${JSON.stringify(dist)},\n  cacheDir: ${JSON.stringify(join(root, 'cache'))},`);
    writeFileSync(join(docs, 'astro.config.mjs'), config);
    await execa(join(REPO_ROOT, 'node_modules/.bin/astro'), ['build', '--root', '.'], { cwd: docs, env: { NODE_ENV: 'production', ASTRO_TELEMETRY_DISABLED: '1' } });
  }, 240_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('serves each page in Japanese and Chinese with the translated title and the language set', () => {
    for (const l of LANGUAGES) {
      const html = readFileSync(join(dist, l.locale, 'overview/index.html'), 'utf8');
      expect(html).toContain(`lang="${l.lang}"`);
      const title = readPo(catalogPath(DEFAULT_PATHS, l.lang, 'overview'))?.messages.find((m) => m.id === 'What you will build');
      expect(title?.str, `locales/${l.lang}/overview.po translates the page title`).toBeTruthy();
      expect(html).toContain(`<title>${title!.str}`);
    }
    expect(existsSync(join(dist, 'overview/index.html'))).toBe(true);
  });

  it('renders every code block of a page exactly as on the English page', () => {
    const pre = (html: string) => [...html.matchAll(/<pre[\s\S]*?<\/pre>/g)].map((m) => m[0]);
    for (const page of ['every-machine', 'zone']) {
      const english = pre(readFileSync(join(dist, page, 'index.html'), 'utf8'));
      expect(english.length, page).toBeGreaterThan(0);
      for (const l of LANGUAGES) expect(pre(readFileSync(join(dist, l.locale, page, 'index.html'), 'utf8')), `${l.lang} ${page}`).toEqual(english);
    }
  });

  it('keeps the English heading anchors and points "Edit page" at the catalog', () => {
    for (const l of LANGUAGES) {
      const html = readFileSync(join(dist, l.locale, 'reference/index.html'), 'utf8');
      expect(html).toContain('id="ports"');
      expect(html).toContain(`locales/${l.lang}/reference.po`);
    }
  });

  it('has no broken internal link or anchor on any page, translated or not', () => {
    // The PDF/EPUB files (one pair per language) are made after the site build (npm run docs:build), not here.
    const books = new RegExp(`^/downloads/cloudstack-runbook(\\.(${LANGUAGES.map((l) => l.lang).join('|')}))?\\.(pdf|epub)$`);
    const broken = checkLinks(dist).filter((b) => !books.test(b.href));
    expect(broken).toEqual([]);
  });

  it('serves /translations/ with a row per language and catalog', () => {
    const html = readFileSync(join(dist, 'translations/index.html'), 'utf8');
    for (const l of LANGUAGES) {
      expect(html).toContain(`locales/${l.lang}/overview.po`);
      expect(html).toContain(`locales/${l.lang}/installer.po`);
    }
  });
});
