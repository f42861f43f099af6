// `i18n:extract` and `i18n:update`: English pages and installer sources → templates
// (locales/templates/*.pot) → every language's catalogs (locales/<lang>/*.po), merged so no
// translation is ever lost (see ./merge.ts).
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { DOCS_CONTENT_DIR, INSTALLER_DOMAIN, LANGUAGES, LOCALES_DIR, REPO_ROOT, domainOfPage, findLanguage } from './languages.ts';
import { installerStrings, installerTemplate } from './installer-strings.ts';
import { mergeCatalog, type MergeStats } from './merge.ts';
import { readPo, writePo, type PoCatalog } from './po-file.ts';
import { englishPages, pageTemplate, readPage } from './templates.ts';
import { englishUiStrings, UI_DOMAIN, uiTemplate } from './ui-strings.ts';

export interface CatalogPaths {
  /** English runbook pages. */
  docsDir: string;
  /** locales/: templates/ and one folder per language. */
  localesDir: string;
  /** Repository root the installer sources are found under. */
  repoRoot: string;
}

export const DEFAULT_PATHS: CatalogPaths = { docsDir: DOCS_CONTENT_DIR, localesDir: LOCALES_DIR, repoRoot: REPO_ROOT };

export function templatePath(paths: CatalogPaths, domain: string): string {
  return join(paths.localesDir, 'templates', `${domain}.pot`);
}

export function catalogPath(paths: CatalogPaths, lang: string, domain: string): string {
  return join(paths.localesDir, lang, `${domain}.po`);
}

/** Writes one template per page plus installer.pot and ui.pot; removes templates of pages that are gone. */
export function extractTemplates(paths: CatalogPaths = DEFAULT_PATHS): Map<string, PoCatalog> {
  const templates = new Map<string, PoCatalog>();
  for (const file of englishPages(paths.docsDir)) {
    const domain = domainOfPage(file);
    if (domain === INSTALLER_DOMAIN || domain === UI_DOMAIN) throw new Error(`a runbook page cannot be named ${file}: ${domain}.po is the catalog of the ${domain === UI_DOMAIN ? "site's labels" : "installer's messages"}`);
    templates.set(domain, pageTemplate(readPage(paths.docsDir, file), file, paths.docsDir));
  }
  templates.set(INSTALLER_DOMAIN, installerTemplate(installerStrings(paths.repoRoot)));
  const ui = englishUiStrings(paths);
  if (Object.keys(ui).length > 0) templates.set(UI_DOMAIN, uiTemplate(ui));
  const dir = join(paths.localesDir, 'templates');
  for (const stale of catalogFiles(dir, '.pot')) if (!templates.has(stale)) rmSync(templatePath(paths, stale));
  for (const [domain, catalog] of templates) writePo(templatePath(paths, domain), catalog);
  return templates;
}

/** Languages that have catalogs: the configured ones plus any folder a translator added. */
export function catalogLanguages(paths: CatalogPaths = DEFAULT_PATHS): string[] {
  const langs = new Set(LANGUAGES.map((l) => l.lang));
  if (existsSync(paths.localesDir)) {
    for (const entry of readdirSync(paths.localesDir)) {
      if (entry !== 'templates' && statSync(join(paths.localesDir, entry)).isDirectory()) langs.add(entry);
    }
  }
  return [...langs].sort();
}

export interface UpdateReport {
  lang: string;
  domain: string;
  stats: MergeStats;
}

/** Extracts, then merges every template into every language's catalog. */
export function updateCatalogs(paths: CatalogPaths = DEFAULT_PATHS, langs = catalogLanguages(paths)): UpdateReport[] {
  const templates = extractTemplates(paths);
  const reports: UpdateReport[] = [];
  for (const lang of langs) {
    const headers = languageHeaders(lang);
    const domains = new Set([...templates.keys(), ...catalogFiles(join(paths.localesDir, lang), '.po')]);
    for (const domain of [...domains].sort()) {
      const file = catalogPath(paths, lang, domain);
      const existing = readPo(file);
      // A page that was removed keeps its catalog, every entry obsolete, until someone deletes it.
      const template = templates.get(domain) ?? { headers: {}, messages: [] };
      const { catalog, stats } = mergeCatalog(template, existing, headers);
      mkdirSync(dirname(file), { recursive: true });
      writePo(file, catalog);
      reports.push({ lang, domain, stats });
    }
  }
  return reports;
}

function languageHeaders(lang: string): Record<string, string> {
  const known = findLanguage(lang);
  return {
    'Project-Id-Version': 'cloudstack-runbook',
    Language: lang,
    'MIME-Version': '1.0',
    'Content-Type': 'text/plain; charset=UTF-8',
    'Content-Transfer-Encoding': '8bit',
    'Plural-Forms': known?.pluralForms ?? 'nplurals=2; plural=(n != 1);',
  };
}

/** Catalog names (paths without extension, `/`-separated) of the files ending in `ext` under `dir`. */
export function catalogFiles(dir: string, ext: string, root = dir): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) out.push(...catalogFiles(full, ext, root));
    else if (entry.endsWith(ext)) out.push(relative(root, full).split(sep).join('/').slice(0, -ext.length));
  }
  return out;
}
