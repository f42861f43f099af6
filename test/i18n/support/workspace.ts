// A throwaway copy of the runbook pages and catalogs, so tests can edit English and run the
// catalog tools without touching the repository.
import { cpSync, mkdtempSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { CatalogPaths } from '../../../src/i18n/catalog-tools.ts';
import { DOCS_CONTENT_DIR, LANGUAGES, LOCALES_DIR, REPO_ROOT } from '../../../src/i18n/languages.ts';

export interface Workspace extends CatalogPaths {
  remove(): void;
}

/** `pages`: file names to copy from the real runbook (all when omitted); catalogs are copied too. */
export function workspace(pages?: string[]): Workspace {
  const root = mkdtempSync(join(tmpdir(), 'runbook-i18n-'));
  const docsDir = join(root, 'docs');
  const localesDir = join(root, 'locales');
  mkdirSync(docsDir, { recursive: true });
  const skip = new Set(LANGUAGES.map((l) => l.locale));
  for (const entry of readdirSync(DOCS_CONTENT_DIR)) {
    if (skip.has(entry) || !/\.mdx?$/.test(entry)) continue;
    if (pages && !pages.includes(entry)) continue;
    cpSync(join(DOCS_CONTENT_DIR, entry), join(docsDir, entry));
  }
  cpSync(LOCALES_DIR, localesDir, { recursive: true });
  return { docsDir, localesDir, repoRoot: REPO_ROOT, remove: () => rmSync(root, { recursive: true, force: true }) };
}
