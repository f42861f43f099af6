// Where a step's documentation lives. Plan steps carry a path (`/database/#database-install`);
// the base is the published docs site, overridable for forks with RUNBOOK_DOCS_URL.
export const DOCS_BASE_URL = 'https://cloudstack-runbook.github.io';

export function docsUrl(
  path: string,
  base = process.env.RUNBOOK_DOCS_URL ?? DOCS_BASE_URL,
): string {
  if (/^https?:\/\//.test(path)) return path;
  return base.replace(/\/+$/, '') + (path.startsWith('/') ? path : `/${path}`);
}
