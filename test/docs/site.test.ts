// The docs site as a reader and the installer see it. The site is built ONCE here (the same
// code as `npm run docs:build`) and every check below reads that output.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import type { Browser } from 'playwright-core';
import { buildSite, DOCS_DIST, type SiteBuild } from '../../src/docs-build/build-site.ts';
import { checkLinks } from '../../src/docs-build/check-links.ts';
import { allSteps, type Step } from '../../src/runbook/model.ts';
import { BUNDLED_RUNBOOK, loadRunbook } from '../../src/runbook/load.ts';
import { siteConfig } from '../../docs/site.config.ts';
import { splitVariables, variableCatalog } from '../../docs/src/lib/variables.ts';
import { LANGUAGES } from '../../src/i18n/languages.ts';
import { serveStatic, type StaticSite } from './support/static-server.ts';
import { launchChromium, VIEWPORTS } from './support/browser.ts';
import {
  bundledRunbook,
  commandLines,
  pageOf,
  plannedSteps,
  type PlannedStepRef,
} from './support/runbook-facts.ts';

const repository = fileURLToPath(new URL('../../', import.meta.url));
const screenshots = `${repository}test/.artifacts/screenshots`;
const runbook = bundledRunbook();
const steps = allSteps(runbook);
const version = (
  JSON.parse(readFileSync(`${repository}package.json`, 'utf8')) as { version: string }
).version;

let build: SiteBuild;
let plan: PlannedStepRef[];
let site: StaticSite;
let browser: Browser;

beforeAll(async () => {
  build = await buildSite({ quiet: true });
  const times = build.times;
  console.log(
    `docs site build: ${(times.totalMs / 1000).toFixed(1)} s (astro ${(times.astroMs / 1000).toFixed(1)} s, PDF+EPUB ${(times.downloadsMs / 1000).toFixed(1)} s)`,
  );
  plan = await plannedSteps(repository);
  site = await serveStatic(DOCS_DIST);
  browser = await launchChromium();
  mkdirSync(screenshots, { recursive: true });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

function html(path: string): string {
  const file = `${DOCS_DIST}${path}${path.endsWith('/') ? 'index.html' : ''}`;
  return readFileSync(file, 'utf8');
}

const catalog = variableCatalog();
/** Text as the pages show it before JavaScript: site variables as their default values. */
function asShown(text: string): string {
  return splitVariables(text, catalog)
    .map((piece) => (piece.kind === 'text' ? piece.text : piece.shown))
    .join('');
}

function decodeHtml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#x27;/g, "'")
    .replace(/&amp;/g, '&');
}

/** A step whose shell script uses ${MGMT_IP}: it shows the reader's management address. */
function stepUsingMgmtIp(): Step {
  const step = steps.find((s) =>
    s.actions.some((a) => a.kind === 'sh' && a.script.includes('${MGMT_IP}')),
  );
  if (!step)
    throw new Error(
      'no runbook step runs a script with ${MGMT_IP}: the address form cannot be tested',
    );
  return step;
}

describe('built pages', () => {
  it('has an anchor with exactly the step id for every step of the plan, on the page the installer links to', () => {
    expect(plan.length).toBeGreaterThan(0);
    expect(plan.map((s) => s.id).sort()).toEqual(steps.map((s) => s.id).sort());
    for (const planned of plan) {
      const [page, id] = planned.url.split('#') as [string, string];
      expect(html(page), `${planned.url}`).toContain(`id="${id}"`);
    }
  });

  it('has no broken internal link or anchor on any page', () => {
    expect(build.broken).toEqual([]);
    expect(checkLinks(DOCS_DIST)).toEqual([]);
  });

  it('shows where each step runs and its check command in the step card', () => {
    for (const step of steps) {
      const page = html(pageOf(step));
      const card = page.slice(page.indexOf(`data-step="${step.id}"`));
      expect(card, step.id).toMatch(new RegExp(`class="rb-badge rb-badge--${step.on}"`));
      const hostNames = new Set(
        [step.check ?? '', step.verify ?? '', ...commandLines(step)]
          .join('\n')
          .match(/\$\{HOST_[A-Z0-9_]+\}/g) ?? [],
      );
      const perMachine =
        /Per machine<\/dt><dd>([\s\S]*?)<\/dd>/.exec(card.slice(0, card.indexOf('</dl>')))?.[1] ??
        '';
      for (const name of hostNames)
        expect(perMachine, `${step.id} tells the reader to set ${name}`).toContain(name);
      if (step.check) {
        // The card shows the parser's check command whole, site variables as their defaults.
        const shown =
          /Already done if<\/dt><dd><code>([\s\S]*?)<\/code><\/dd>/.exec(card)?.[1] ?? '';
        expect(decodeHtml(shown.replace(/<[^>]+>/g, '')), step.id).toBe(asShown(step.check));
      }
    }
  });

  it('says in the card how long the installer waits for the API calls CloudStack works on for minutes', () => {
    const card = (id: string) => {
      const page = html('/zone/');
      const at = page.indexOf(`data-step="${id}"`);
      return page.slice(at, page.indexOf('</dl>', at));
    };
    expect(card('hosts-add')).toMatch(/Limits<\/dt><dd>.*addHost waits up to 15 min/);
    expect(card('secondary-storage')).toContain('addImageStore waits up to 35 min');
    expect(card('primary-storage')).toContain('createStoragePool waits up to 35 min');
    expect(card('zone-create')).not.toContain('waits up to');
  });

  it('points "Edit page" of every translated page at its PO catalog, and of every English page at its source', () => {
    expect(LANGUAGES.length).toBeGreaterThan(0);
    const editHref = (page: string) => /<a href="([^"]+)"[^>]*data-rb-edit/.exec(html(page))?.[1];
    for (const chapter of runbook.chapters) {
      const slug = chapter.file.replace(/\.mdx?$/, '');
      const path = chapter.slug ? `/${chapter.slug}/` : '/';
      expect(editHref(path), path).toBe(
        `${siteConfig.repositoryUrl}/edit/${siteConfig.branch}/docs/src/content/docs/${chapter.file}`,
      );
      for (const language of LANGUAGES) {
        const translated = `/${language.locale}${path}`;
        expect(editHref(translated), translated).toBe(
          `${siteConfig.repositoryUrl}/edit/${siteConfig.branch}/locales/${language.lang}/${slug}.po`,
        );
      }
    }
  });

  it('shows sample output after the key steps (databases, API, verify) as output (captioned, no copy button), in every language', () => {
    const blocks = (page: string) =>
      [...page.matchAll(/<div class="expressive-code[^>]*>[\s\S]*?<\/figure><\/div>/g)].map(
        (m) => m[0],
      );
    // The last lines cloudstack-setup-databases prints (DBDeployer.run in upstream's script), and
    // the API's first answer to an unsigned call: 401, as ApiServlet answers it (the simulator too).
    const management = blocks(html('/management-server/')).filter((b) => b.includes('rb-output'));
    expect(management.map((b) => decodeHtml(b.replace(/<[^>]+>/g, '')))).toEqual([
      expect.stringContaining(
        'CloudStack has successfully initialized database, you can check your database configuration in /etc/cloudstack/management/db.properties',
      ),
      expect.stringContaining('the API answers (HTTP 401)'),
    ]);
    const english = blocks(html('/verify/')).filter((b) => b.includes('rb-output'));
    // `runbook verify`'s table for the default site (test/cloudstack/bundled-runbook.test.ts holds
    // it to what the command prints), the host list as CloudStack answers it (shape of the
    // recorded listHosts response) and the line the wait step prints when the cloud is up.
    expect(english.map((b) => decodeHtml(b.replace(/<[^>]+>/g, '')))).toEqual([
      expect.stringMatching(
        /KVM host +cloudstack-mgmt \(172\.16\.10\.2\) +Up +ok[\s\S]*all checks passed/,
      ),
      expect.stringMatching(/"state": "Up"[\s\S]*"type": "Routing"/),
      expect.stringContaining('the cloud is up: zone=Enabled'),
    ]);
    const captions = new Set<string>();
    for (const prefix of ['', ...LANGUAGES.map((language) => `/${language.locale}`)]) {
      const outputs = blocks(html(`${prefix}/verify/`)).filter((b) => b.includes('rb-output'));
      expect(outputs, prefix).toHaveLength(english.length);
      for (const block of outputs) {
        expect(block, prefix).not.toMatch(/class="copy"|data-code=/);
        captions.add(/data-rb-caption="([^"]*)"/.exec(block)?.[1] ?? '');
      }
    }
    // One caption per language, none of them empty: the translated pages do not show the English.
    expect([...captions].filter(Boolean)).toHaveLength(LANGUAGES.length + 1);
  });

  it('names the release in the header, has a 404 page and a sitemap listing the chapters', () => {
    expect(html('/')).toContain(`CloudStack ${siteConfig.cloudstackVersion} · runbook ${version}`);
    expect(existsSync(`${DOCS_DIST}/404.html`)).toBe(true);
    const sitemap = readFileSync(`${DOCS_DIST}/sitemap-0.xml`, 'utf8');
    for (const chapter of runbook.chapters)
      expect(sitemap).toContain(`${siteConfig.siteUrl}/${chapter.slug ? `${chapter.slug}/` : ''}<`);
  });
});

describe('404 and downloads pages', () => {
  it('the 404 page lists every chapter with a link to it', () => {
    const page = html('/404.html');
    for (const chapter of runbook.chapters.filter((c) => c.slug !== 'index' && c.slug !== ''))
      expect(page, chapter.slug).toContain(`href="/${chapter.slug}/"`);
  });

  it('each language’s downloads page links its own PDF and EPUB, and every link is a built file', () => {
    for (const language of [{ lang: 'en', locale: '' }, ...LANGUAGES]) {
      const path = language.locale ? `/${language.locale}/downloads/` : '/downloads/';
      const page = html(path);
      const own =
        language.lang === 'en' ? 'cloudstack-runbook' : `cloudstack-runbook.${language.lang}`;
      expect(page, path).toContain(`href="/downloads/${own}.pdf"`);
      expect(page, path).toContain(`href="/downloads/${own}.epub"`);
      for (const [, file] of page.matchAll(/href="\/(downloads\/[^"]+\.(?:pdf|epub))"/g))
        expect(existsSync(`${DOCS_DIST}/${file}`), `${path} → ${file}`).toBe(true);
    }
  });
});

describe('PDF and EPUB downloads', () => {
  const pdf = `${DOCS_DIST}/downloads/cloudstack-runbook.pdf`;
  const epub = `${DOCS_DIST}/downloads/cloudstack-runbook.epub`;
  const squash = (text: string) => text.replace(/\s+/g, '');

  it('the PDF opens and holds every chapter and every command of every step', async () => {
    const { stdout } = await execa('pdftotext', ['-raw', '-enc', 'UTF-8', pdf, '-']);
    const text = squash(stdout);
    for (const chapter of runbook.chapters.filter((c) => c.slug !== 'index'))
      expect(text.includes(squash(chapter.title)), `chapter "${chapter.title}"`).toBe(true);
    for (const step of steps) {
      expect(text.includes(squash(step.title)), `title of ${step.id}`).toBe(true);
      for (const line of commandLines(step))
        expect(text.includes(squash(line)), `${step.id}: ${line}`).toBe(true);
    }
  });

  it('the EPUB opens and holds every chapter and every command of every step', async () => {
    const { stdout: listing } = await execa('unzip', ['-Z1', epub]);
    expect(listing.split('\n')).toContain('mimetype');
    const { stdout } = await execa('unzip', ['-p', epub, '*.xhtml']);
    const text = squash(
      stdout
        .replace(/<[^>]+>/g, '')
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, '&')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&#39;/g, "'"),
    );
    for (const chapter of runbook.chapters.filter((c) => c.slug !== 'index'))
      expect(text.includes(squash(chapter.title)), `chapter "${chapter.title}"`).toBe(true);
    for (const step of steps) {
      for (const line of commandLines(step))
        expect(text.includes(squash(line)), `${step.id}: ${line}`).toBe(true);
    }
  });
});

describe('translated PDFs', () => {
  const squash = (text: string) => text.replace(/\s+/g, '');
  for (const language of LANGUAGES) {
    const pdf = `${DOCS_DIST}/downloads/cloudstack-runbook.${language.lang}.pdf`;
    // The translated pages are written by the site build (beforeAll), so they are read
    // when a test runs, not when the file is collected: on a fresh clone they don't exist yet.
    const translatedRunbook = () => {
      const { runbook } = loadRunbook(`${BUNDLED_RUNBOOK}/${language.locale}`);
      expect(
        runbook.chapters.length,
        `translated chapters under ${language.locale}/`,
      ).toBeGreaterThan(1);
      return runbook;
    };

    it(`the ${language.lang} PDF shows the translated chapter and step titles, and every command intact`, async () => {
      const { stdout } = await execa('pdftotext', ['-raw', '-enc', 'UTF-8', pdf, '-']);
      const text = squash(stdout);
      const translated = translatedRunbook();
      for (const chapter of translated.chapters.filter((c) => c.slug !== 'index'))
        expect(text.includes(squash(chapter.title)), `chapter "${chapter.title}"`).toBe(true);
      for (const step of allSteps(translated)) {
        expect(text.includes(squash(step.title)), `title of ${step.id}`).toBe(true);
        for (const line of commandLines(step))
          expect(text.includes(squash(line)), `${step.id}: ${line}`).toBe(true);
      }
      // The step cards' labels in the book's language, not English.
      expect(stdout).not.toContain('Runs on:');
      expect(stdout).not.toContain('API calls in CloudMonkey');
    });

    it(`the ${language.lang} PDF has an outline of its chapters and a table of contents with page numbers`, async () => {
      const { stdout } = await execa('pdftohtml', ['-xml', '-i', '-stdout', '-l', '1', pdf]);
      const outline = [...stdout.matchAll(/<item page="(\d+)">([^<]*)<\/item>/g)].map((m) => ({
        page: Number(m[1]),
        title: m[2]!,
      }));
      const chapters = translatedRunbook().chapters.filter(
        (c) => c.slug !== 'index' && c.slug !== '',
      );
      for (const chapter of chapters) {
        const entry = outline.find((o) => o.title === chapter.title.replace(/&/g, '&amp;'));
        expect(entry, `outline entry for "${chapter.title}"`).toBeDefined();
        expect(entry!.page).toBeGreaterThan(1);
      }
      // The contents page lists the first chapter with the page the outline sends it to.
      const { stdout: contents } = await execa('pdftotext', [
        '-f',
        '1',
        '-l',
        '1',
        '-layout',
        pdf,
        '-',
      ]);
      const first = outline.find((o) => o.title === chapters[0]!.title)!;
      expect(contents).toMatch(new RegExp(`${chapters[0]!.title}[\\s.]*${first.page}\\s*\\n`));
    });
  }
});

describe('in the browser', () => {
  async function open(
    path: string,
    viewport: keyof typeof VIEWPORTS,
    javaScriptEnabled = true,
    colorScheme: 'light' | 'dark' = 'light',
  ) {
    const context = await browser.newContext({
      viewport: VIEWPORTS[viewport],
      javaScriptEnabled,
      colorScheme,
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    const response = await page.goto(site.url + path, { waitUntil: 'networkidle' });
    expect(response?.status(), path).toBe(200);
    return { page, context, errors };
  }

  for (const viewport of ['desktop', 'phone'] as const) {
    it(`renders the home page and a runbook page without console errors (${viewport})`, async () => {
      const runbookPage = pageOf(stepUsingMgmtIp());
      for (const [name, path] of [
        ['home', '/'],
        ['runbook', runbookPage],
      ] as const) {
        const { page, context, errors } = await open(path, viewport);
        await expect(page.locator('h1').first().isVisible()).resolves.toBe(true);
        await page.screenshot({
          path: `${screenshots}/${name}-${viewport}.png`,
          fullPage: name === 'home',
        });
        expect(errors, `${path} (${viewport})`).toEqual([]);
        await context.close();
      }
    });
  }

  it('follows the reader’s dark colour scheme', async () => {
    const { page, context, errors } = await open(
      pageOf(stepUsingMgmtIp()),
      'desktop',
      true,
      'dark',
    );
    await expect(page.locator('html').getAttribute('data-theme')).resolves.toBe('dark');
    await page.screenshot({ path: `${screenshots}/runbook-desktop-dark.png` });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('search finds a step by a word of its command, down to the step’s anchor', async () => {
    // A word of one step's commands that no other page mentions: its result must lead to that step.
    const sources = runbook.chapters.map((c) => readFileSync(`${runbook.dir}/${c.file}`, 'utf8'));
    const candidates = steps.flatMap((step) =>
      (
        commandLines(step)
          .join(' ')
          .match(/\b[a-z][a-z0-9]{5,}(?:-[a-z0-9]+)+\b/g) ?? []
      ).map((word) => ({ step, word })),
    );
    const unique = candidates.find(
      ({ word }) =>
        sources.filter((text) => text.includes(word)).length === 1 &&
        candidates.filter((c) => c.word === word).length === 1,
    );
    if (!unique) throw new Error('no command word unique to one step: cannot test search');
    const { step, word } = unique;
    const { page, context, errors } = await open('/', 'desktop');
    await page.locator('button[data-open-modal]').first().click();
    await page.locator('.pagefind-ui__search-input').fill(word);
    const links = page.locator('.pagefind-ui__result-link');
    await links.first().waitFor({ timeout: 15_000 });
    // Results fill in as Pagefind loads fragments: wait for the step's own anchor among them.
    const found = await page
      .locator(`.pagefind-ui__result-link[href="${step.url}"]`)
      .first()
      .waitFor({ timeout: 15_000 })
      .then(
        () => true,
        () => false,
      );
    const hrefs = await links.evaluateAll((as) =>
      as.map(
        (a) =>
          (a as unknown as { getAttribute(name: string): string | null }).getAttribute('href') ??
          '',
      ),
    );
    await page.screenshot({ path: `${screenshots}/search-desktop.png` });
    expect(
      found,
      `search for "${word}" should lead to ${step.url}; results: ${hrefs.join(', ')}`,
    ).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the address form puts the reader’s address into commands and copy buttons; without JavaScript the defaults show', async () => {
    const step = stepUsingMgmtIp();
    const { page, context, errors } = await open(pageOf(step), 'desktop');
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: site.url });
    const card = page.locator(`section[data-step="${step.id}"]`);
    const block = card
      .locator('.expressive-code')
      .filter({ has: page.locator('[data-var="MGMT_IP"]') })
      .first();
    const marker = block.locator('[data-var="MGMT_IP"]').first();
    await expect(marker.textContent()).resolves.toBe('172.16.10.2');

    await page.locator('[data-rb-open]').click();
    await page.locator('input[name="management.address"]').fill('10.99.0.7');
    await page.screenshot({ path: `${screenshots}/address-form-desktop.png` });
    await page.locator('[data-rb-form] button[type="submit"]').click();
    await expect(marker.textContent()).resolves.toBe('10.99.0.7');
    const copyButton = block.locator('.copy button');
    const copied = (await copyButton.getAttribute('data-code')) ?? '';
    expect(copied).toContain('10.99.0.7');
    expect(copied).not.toContain('${MGMT_IP}');
    await copyButton.click({ force: true });
    const clipboard = String(await page.evaluate('navigator.clipboard.readText()'));
    expect(clipboard).toContain('10.99.0.7');
    await page.screenshot({ path: `${screenshots}/personalised-desktop.png` });

    // Remembered on the next page load.
    await page.reload({ waitUntil: 'networkidle' });
    await expect(block.locator('[data-var="MGMT_IP"]').first().textContent()).resolves.toBe(
      '10.99.0.7',
    );
    expect(errors).toEqual([]);
    await context.close();

    const noScript = await open(pageOf(step), 'desktop', false);
    await expect(
      noScript.page
        .locator(`section[data-step="${step.id}"] [data-var="MGMT_IP"]`)
        .first()
        .textContent(),
    ).resolves.toBe('172.16.10.2');
    await noScript.context.close();
  });

  /** English labels the site translates (content/i18n/en.json ≠ <lang>.json), of two words or more. */
  function englishLabels(lang: string): string[] {
    const read = (name: string) =>
      JSON.parse(readFileSync(`${repository}docs/src/content/i18n/${name}.json`, 'utf8')) as Record<
        string,
        string
      >;
    const english = read('en');
    const translated = read(lang);
    return Object.entries(english)
      .filter(([key, text]) => translated[key] && translated[key] !== text)
      .flatMap(([key, text]) =>
        // The words between placeholders; names the translation keeps (Apache CloudStack) are not English labels.
        text
          .split(/\{\{\w+\}\}/)
          .map((part) => part.trim())
          .filter((part) => /\w+ \w+/.test(part) && !translated[key]!.includes(part)),
      );
  }

  for (const language of LANGUAGES)
    it(`shows no English UI label on ${language.lang} pages, in text or CSS captions`, async () => {
      // Not covered yet: the tooltips of variable markers ([data-var] title, docs/src/lib/variables.ts
      // variableTitle), which still describe the variable in English on every page.
      const labels = englishLabels(language.lang);
      expect(labels.length).toBeGreaterThan(20);
      for (const path of ['/', '/zone/', '/management-server/', '/downloads/']) {
        const { page, context } = await open(`/${language.locale}${path}`, 'desktop');
        // The dialog too, where the page has the address bar.
        const opener = page.locator('[data-rb-open]');
        if (await opener.isVisible()) await opener.click();
        const shown = String(
          await page.evaluate(`(() => {
            const captions = [...document.querySelectorAll('*')].flatMap((el) =>
              ['::before', '::after'].map((p) => getComputedStyle(el, p).content).filter((c) => c && c !== 'none' && c !== 'normal'));
            const attributes = [...document.querySelectorAll('[aria-label],[title]:not([data-var]),[placeholder]')].map((el) =>
              [el.getAttribute('aria-label'), el.getAttribute('title'), el.getAttribute('placeholder')].join(' '));
            // The page's words outside commands (commands are the same in every language).
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            const words = [];
            for (let node = walker.nextNode(); node; node = walker.nextNode())
              if (!node.parentElement.closest('pre, code, script, style, .expressive-code')) words.push(node.textContent);
            return [words.join(' ').replace(/\\s+/g, ' '), ...captions, ...attributes].join('\\n');
          })()`),
        );
        if (path === '/zone/')
          await page.screenshot({ path: `${screenshots}/zone-${language.lang}-desktop.png` });
        for (const label of labels)
          expect(shown.includes(label), `"${label}" on /${language.locale}${path}`).toBe(false);
        await context.close();
      }
    });

  for (const viewport of ['desktop', 'phone'] as const)
    it(`wraps every code line inside its block, clear of the copy button (${viewport})`, async () => {
      for (const path of ['/zone/', '/management-server/', `/${LANGUAGES[0]!.locale}/zone/`]) {
        const { page, context } = await open(path, viewport);
        const problems = (await page.evaluate(`(() => {
          const out = [];
          for (const pre of document.querySelectorAll('.expressive-code pre')) {
            if (pre.scrollWidth > pre.clientWidth + 1) out.push('overflows: ' + pre.textContent.slice(0, 60));
            const button = pre.closest('figure')?.querySelector('.copy button');
            if (!button) continue;
            const b = button.getBoundingClientRect();
            // The glyphs' boxes, one range per text node (a range over the block would also
            // report the full-width line boxes).
            const walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
            let covered = false;
            for (let node = walker.nextNode(); node && !covered; node = walker.nextNode()) {
              if (!node.textContent.trim()) continue;
              const range = document.createRange();
              range.selectNodeContents(node);
              for (const r of range.getClientRects())
                if (r.width > 0 && r.right > b.left && r.left < b.right && r.bottom > b.top && r.top < b.bottom) covered = true;
            }
            if (covered) out.push('under the copy button: ' + pre.textContent.slice(0, 60));
          }
          return out;
        })()`)) as string[];
        await page.screenshot({
          path: `${screenshots}/code-wrap${path.replace(/\//g, '-')}${viewport}.png`,
          fullPage: false,
        });
        expect(problems, `${path} at ${viewport}`).toEqual([]);
        await context.close();
      }
    });

  it('shows `runbook verify`’s sample as a table at desktop width: one line per row, names from the form', async () => {
    const { page, context, errors } = await open('/verify/', 'desktop');
    const table = page.locator('.rb-output', { hasText: 'all checks passed' });
    // Each row of the 80-column table is one visual line: no row wraps onto a second.
    const rows = async () =>
      (await page.evaluate(`(() => {
        const figure = [...document.querySelectorAll('.rb-output')].find((f) => f.textContent.includes('all checks passed'));
        return [...figure.querySelectorAll('.ec-line')].map((line) => ({
          text: line.textContent,
          lines: Math.round(line.getBoundingClientRect().height / parseFloat(getComputedStyle(line).lineHeight)),
        }));
      })()`)) as { text: string; lines: number }[];
    // Where each row's STATE value starts: the column of the header's STATE.
    const stateColumns = (texts: string[]) =>
      texts
        .filter((text) => /\S {2,}\S+ {2,}(ok|NOT OK)$/.test(text))
        .map((text) => text.search(/\S+ {2,}(ok|NOT OK)$/));
    const before = await rows();
    expect(before.filter((row) => row.text.trim()).length).toBeGreaterThan(8);
    expect(before.filter((row) => row.lines !== 1)).toEqual([]);
    const texts = before.map((row) => row.text);
    expect(texts.join('\n')).toMatch(/KVM host +cloudstack-mgmt \(172\.16\.10\.2\)/);
    const state = texts[0]!.indexOf('STATE');
    expect(new Set(stateColumns(texts))).toEqual(new Set([state]));
    // A longer and a shorter name from the form: the columns stay where they were.
    await page.locator('[data-rb-open]').click();
    await page.locator('input[name="management.hostname"]').fill('mgmt7');
    await page.locator('input[name="zone.name"]').fill('Amsterdam-North-1');
    await page.locator('[data-rb-form] button[type="submit"]').click();
    const after = (await rows()).map((row) => row.text);
    expect(after.join('\n')).toMatch(/KVM host +mgmt7 \(172\.16\.10\.2\)/);
    expect(after.join('\n')).toContain('Amsterdam-North-1');
    expect(new Set(stateColumns(after))).toEqual(new Set([state]));
    await table.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${screenshots}/verify-sample-desktop.png` });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the network diagram follows the address form', async () => {
    const { page, context, errors } = await open('/overview/', 'desktop');
    const diagram = page.locator('[data-rb-diagram] [data-rb-layout="wide"]');
    await expect(diagram.textContent()).resolves.toContain('172.16.10.2');
    await page.locator('[data-rb-open]').click();
    await page.locator('input[name="management.address"]').fill('10.99.0.7');
    await page.locator('[data-rb-form] button[type="submit"]').click();
    await expect(diagram.textContent()).resolves.toContain('10.99.0.7');
    await diagram.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${screenshots}/diagram-personalised-desktop.png` });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the edit link of a runbook page points at its source file', async () => {
    const step = stepUsingMgmtIp();
    const { page, context } = await open(pageOf(step), 'desktop');
    const href = await page.locator('a[data-rb-edit]').getAttribute('href');
    expect(href).toBe(
      `${siteConfig.repositoryUrl}/edit/${siteConfig.branch}/docs/src/content/docs/${step.source.file}`,
    );
    await context.close();
  });
});
