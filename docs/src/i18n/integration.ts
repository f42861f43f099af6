// Astro integration of the runbook's translations (issue #8). Before every build and dev start it
// writes the localized pages (English page + locales/<lang>/<page>.po → src/content/docs/<locale>/,
// generated and gitignored) and the site's labels (locales/<lang>/ui.po → src/content/i18n/<lang>.json),
// and it serves /translations/, the table of what is translated.
// In dev, a change to a catalog or an English page regenerates the localized pages.
import type { AstroIntegration } from 'astro';
import { buildLocalizedPages, buildWarnings, type PageReport } from '../../../src/i18n/build-pages.ts';
import { DEFAULT_PATHS, type CatalogPaths } from '../../../src/i18n/catalog-tools.ts';
import { LANGUAGES } from '../../../src/i18n/languages.ts';
import { languageTotals, translationStatus } from '../../../src/i18n/status.ts';
import { installerStrings } from '../../../src/i18n/installer-strings.ts';
import { writeUiTranslations } from '../../../src/i18n/ui-strings.ts';

/** Starlight `locales`: English at the root, one entry per translated language. */
export const starlightLocales = Object.fromEntries([
  ['root', { label: 'English', lang: 'en' }],
  ...LANGUAGES.map((l) => [l.locale, { label: l.label, lang: l.lang }]),
]) as Record<string, { label: string; lang: string }>;

const STATUS_MODULE = 'virtual:runbook-translation-status';

function statusModule(paths: CatalogPaths) {
  return {
    name: 'runbook-translation-status',
    resolveId: (id: string) => (id === STATUS_MODULE ? `\0${STATUS_MODULE}` : undefined),
    load: (id: string) => {
      if (id !== `\0${STATUS_MODULE}`) return undefined;
      const rows = translationStatus(paths, undefined, () => installerStrings(paths.repoRoot).map((f) => f.id));
      return `export const rows = ${JSON.stringify(rows)};\nexport const totals = ${JSON.stringify(languageTotals(rows))};`;
    },
  };
}

let prepared: PageReport[] | undefined;

/**
 * Writes the localized pages now. Call it at the top of astro.config.mjs, before anything that
 * looks at which locale folders exist; the integration then does not write them a second time.
 */
export function prepareTranslations(options: Partial<CatalogPaths> = {}): PageReport[] {
  const paths = { ...DEFAULT_PATHS, ...options };
  // The site's labels (locales/<lang>/ui.po → content/i18n/<lang>.json, read by Starlight's t()).
  writeUiTranslations(paths);
  prepared = buildLocalizedPages(paths);
  return prepared;
}

/** `paths` defaults to this repository (tests build a copy of the site elsewhere). */
export function runbookTranslations(options: Partial<CatalogPaths> = {}): AstroIntegration {
  const paths: CatalogPaths = { ...DEFAULT_PATHS, ...options };
  const generate = (warn: (message: string) => void, reuse = false) => {
    if (!(reuse && prepared)) writeUiTranslations(paths);
    const reports = reuse && prepared ? prepared : buildLocalizedPages(paths);
    prepared = undefined;
    for (const warning of buildWarnings(reports)) warn(warning);
    return reports;
  };
  return {
    name: 'runbook-translations',
    hooks: {
      'astro:config:setup': ({ injectRoute, updateConfig, logger }) => {
        const reports = generate((m) => logger.warn(m), true);
        const full = reports.filter((r) => r.translated === r.total).length;
        logger.info(`${reports.length} localized pages written (${full} fully translated)`);
        // The status table is computed here, where the repository's paths are known, and handed
        // to the page as a virtual module (bundled page code cannot find locales/ by itself).
        updateConfig({ vite: { plugins: [statusModule(paths)] } });
        injectRoute({ pattern: '/translations', entrypoint: new URL('./TranslationsPage.astro', import.meta.url) });
      },
      'astro:server:setup': ({ server, logger }) => {
        const localeFolders = LANGUAGES.map((l) => `${paths.docsDir}/${l.locale}/`);
        const watched = (file: string) =>
          (file.startsWith(paths.localesDir) && file.endsWith('.po')) ||
          (file.startsWith(paths.docsDir) && /\.mdx?$/.test(file) && !localeFolders.some((f) => file.startsWith(f)));
        server.watcher.add(paths.localesDir);
        server.watcher.on('change', (file) => {
          if (watched(file)) generate((m) => logger.warn(m));
        });
      },
    },
  };
}
