// Settings of the documentation site that a fork changes in one place.
export const siteConfig = {
  /** Public address of the built site (sitemap, canonical links). Override with RUNBOOK_SITE_URL. */
  siteUrl: process.env.RUNBOOK_SITE_URL ?? 'https://cloudstack-runbook.github.io',
  /** The repository the "Edit page" links point into. Override with RUNBOOK_REPOSITORY_URL. */
  repositoryUrl:
    process.env.RUNBOOK_REPOSITORY_URL ??
    'https://github.com/cloudstack-runbook/cloudstack-runbook',
  /** Branch the edit links open. */
  branch: 'main',
  /** Folder of the Astro project inside the repository (edit links are built from it). */
  docsFolder: 'docs',
  /** The CloudStack release this runbook documents. */
  cloudstackVersion: '4.22',
  /** Where the PDF/EPUB downloads are written inside the built site. */
  downloadsPath: 'downloads',
  bookBaseName: 'cloudstack-runbook',
};
