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
import { runbookCodePlugin } from './src/plugins/ec-runbook.ts';
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
const chapterIds = loadRunbook(here('./src/content/docs')).runbook.chapters.map((c) =>
  c.file.replace(/\.mdx?$/, ''),
);

export default defineConfig({
  site: siteConfig.siteUrl,
  trailingSlash: 'always',
  outDir: './dist',
  vite: {
    define: {
      __RUNBOOK_VERSION__: JSON.stringify(runbookVersion),
      __CLOUDSTACK_VERSION__: JSON.stringify(siteConfig.cloudstackVersion),
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
      },
      sidebar: [...chapterIds, { label: 'Downloads (PDF, EPUB)', link: '/downloads/' }],
      expressiveCode: {
        plugins: [runbookCodePlugin(catalog)],
        shiki: { langAlias: { cmk: 'sh' } },
        frames: { removeCommentsWhenCopyingTerminalFrames: false },
      },
    }),
    mdx(),
    runbookTranslations(),
  ],
});
