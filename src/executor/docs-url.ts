// Where a step's documentation lives. Plan steps carry a path (`/database/#database-install`);
// the base is the published docs site, the same one docs/site.config.ts builds for, and the
// same override (RUNBOOK_SITE_URL) for forks that publish elsewhere.
export const DOCS_BASE_URL = 'https://cloudstack-runbook.github.io';

export function docsUrl(
  path: string,
  base = process.env.RUNBOOK_SITE_URL ?? DOCS_BASE_URL,
): string {
  if (/^https?:\/\//.test(path)) return path;
  return base.replace(/\/+$/, '') + (path.startsWith('/') ? path : `/${path}`);
}
