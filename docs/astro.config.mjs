// Astro + Starlight configuration of the runbook site. Root: docs/ (`astro build --root docs`).
import { fileURLToPath, URL } from 'node:url';
import { readFileSync } from 'node:fs';
import { defineConfig } from 'astro/config';
import starlight from '@astrojs/starlight';
import mdx from '@astrojs/mdx';
import { satteri } from '@astrojs/markdown-satteri';
import { siteConfig } from './site.config.ts';
import { variableCatalog } from './src/lib/variables.ts';
import { stepDirectivePlugin } from './src/plugins/step-directive.ts';
import { inlineVariablesPlugin } from './src/plugins/inline-variables.ts';
import { siteDirectivesPlugin } from './src/plugins/site-directives.ts';
import { siteVariablesUsed } from './src/lib/shell-variables.ts';
import { siteLabels, siteLabelTables } from './src/lib/site-labels.ts';
import { LANGUAGES } from '../src/i18n/languages.ts';
import { loadRunbook } from '../src/runbook/load.ts';
import {
  prepareTranslations,
  runbookTranslations,
  starlightLocales,
} from './src/i18n/integration.ts';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const runbookVersion = JSON.parse(readFileSync(here('../package.json'), 'utf8')).version;
const catalog = variableCatalog();
// Translations (issue #8): write the localized pages from locales/<lang>/*.po before anything
// looks at the content folders.
prepareTranslations();
// Sidebar = chapter order, which is the order the installer runs them in: the engine's parser
// sorts pages by `sidebar.order` (Starlight cannot autogenerate from the collection root).
const { runbook } = loadRunbook(here('./src/content/docs'));
const chapterIds = runbook.chapters.map((c) => c.file.replace(/\.mdx?$/, ''));
// The 404 page's chapter list (read here: a page's own import.meta.url moves when Vite bundles it).
const chapterLinks = runbook.chapters
  .filter((c) => c.slug && c.slug !== 'index')
  .map((c) => ({ slug: c.slug, title: c.title }));
// The "set these variables in your shell" block holds every site variable the pages use.
const siteVariables = siteVariablesUsed(
  runbook.chapters.map((c) => readFileSync(here(`./src/content/docs/${c.file}`), 'utf8')),
  Object.keys(catalog.defaults),
);
/** A site label in English plus its translations, for Starlight config entries (sidebar links). */
const translatedLabel = (key) => ({
  label: siteLabels('en')(key),
  translations: Object.fromEntries(LANGUAGES.map((l) => [l.lang, siteLabels(l.lang)(key)])),
});

export default defineConfig({
  site: siteConfig.siteUrl,
  trailingSlash: 'always',
  outDir: './dist',
  vite: {
    define: {
      __RUNBOOK_VERSION__: JSON.stringify(runbookVersion),
      __CLOUDSTACK_VERSION__: JSON.stringify(siteConfig.cloudstackVersion),
      __RUNBOOK_CHAPTERS__: JSON.stringify(chapterLinks),
      __RUNBOOK_SITE_VARIABLES__: JSON.stringify(siteVariables),
      __RUNBOOK_SITE_LABELS__: JSON.stringify(siteLabelTables()),
    },
    build: {
      rollupOptions: {
        // Astro marks every MDX module "use astro:head-inject" for its own head handling; the
        // bundler warns once per page that it does not know the directive (42 lines per build).
        onwarn(warning, warn) {
          if (warning.code === 'MODULE_LEVEL_DIRECTIVE' && warning.message.includes('astro:head-inject')) return;
          warn(warning);
        },
      },
    },
  },
  markdown: {
    processor: satteri({
      mdastPlugins: [
        stepDirectivePlugin({
          stepCard: here('./src/components/StepCard.astro'),
          stepMeta: here('./src/components/StepMeta.astro'),
        }),
        inlineVariablesPlugin(catalog),
        siteDirectivesPlugin({
          'network-diagram': here('./src/components/NetworkDiagram.astro'),
          'shell-variables': here('./src/components/ShellVariables.astro'),
        }),
      ],
    }),
  },
  integrations: [
    starlight({
      title: 'CloudStack Runbook',
      description:
        'One tested path from bare Debian 12 machines to a working Apache CloudStack cloud with KVM, NFS and an advanced zone.',
      editLink: {
        baseUrl: `${siteConfig.repositoryUrl}/edit/${siteConfig.branch}/${siteConfig.docsFolder}/`,
      },
      social: [{ icon: 'github', label: 'GitHub', href: siteConfig.repositoryUrl }],
      lastUpdated: false,
      // Our own 404 (src/pages/404.astro) lists the chapters.
      disable404Route: true,
      defaultLocale: 'root',
      locales: starlightLocales,
      customCss: ['./src/styles/runbook.css'],
      components: {
        SiteTitle: './src/components/SiteTitle.astro',
        PageTitle: './src/components/PageTitle.astro',
        EditLink: './src/components/EditLink.astro',
        MobileMenuFooter: './src/components/MobileMenuFooter.astro',
      },
      // The home page's title is the site's title: no "CloudStack Runbook | CloudStack Runbook".
      routeMiddleware: './src/route-middleware.ts',
      sidebar: [...chapterIds, { ...translatedLabel('runbook.downloads.sidebar'), link: '/downloads/' }],
      // Expressive Code options: ec.config.mjs (the <Code> component needs them there).
    }),
    mdx(),
    runbookTranslations(),
  ],
});
