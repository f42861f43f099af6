// `i18n:status` and the site's translations page: per language and page, the share of the
// current English texts that is translated, fuzzy, or untranslated. Counted against the English
// pages as they are now (not the last extracted template), so the table never flatters.
import { catalogPath, catalogLanguages, DEFAULT_PATHS, templatePath, type CatalogPaths } from './catalog-tools.ts';
import { translationProblems } from './check-translation.ts';
import { INSTALLER_DOMAIN, domainOfPage } from './languages.ts';
import { messageKey, readPo, translationsOf } from './po-file.ts';
import { proseUnits, type SpliceFormat } from './prose-units.ts';
import { englishPages, readPage } from './templates.ts';
import { englishUiStrings, placeholdersOf, UI_DOMAIN } from './ui-strings.ts';

export interface StatusRow {
  lang: string;
  /** Catalog name: the page (`overview`) or `installer`. */
  domain: string;
  total: number;
  translated: number;
  fuzzy: number;
  untranslated: number;
  /** Translated but not usable (a code span or link changed): counted in `untranslated`. */
  invalid: number;
}

interface Source { context?: string; id: string; format: SpliceFormat }

/** The installer's current msgids; by default those of the last extracted installer.pot. */
export type InstallerIds = () => string[];

function sourcesByDomain(paths: CatalogPaths, installerIds?: InstallerIds): Map<string, Source[]> {
  const map = new Map<string, Source[]>();
  for (const file of englishPages(paths.docsDir)) {
    map.set(domainOfPage(file), proseUnits(readPage(paths.docsDir, file)));
  }
  const ids = installerIds ? installerIds() : (readPo(templatePath(paths, INSTALLER_DOMAIN))?.messages ?? []).map((m) => m.id);
  map.set(INSTALLER_DOMAIN, [...new Set(ids)].map((id) => ({ id, format: 'yaml' as const })));
  const ui = Object.entries(englishUiStrings(paths)).map(([context, id]) => ({ context, id, format: 'yaml' as const }));
  if (ui.length > 0) map.set(UI_DOMAIN, ui);
  return map;
}

export function translationStatus(paths: CatalogPaths = DEFAULT_PATHS, langs = catalogLanguages(paths), installerIds?: InstallerIds): StatusRow[] {
  const sources = sourcesByDomain(paths, installerIds);
  const rows: StatusRow[] = [];
  for (const lang of langs) {
    for (const [domain, units] of sources) {
      const messages = translationsOf(readPo(catalogPath(paths, lang, domain)));
      const row: StatusRow = { lang, domain, total: 0, translated: 0, fuzzy: 0, untranslated: 0, invalid: 0 };
      const seen = new Set<string>();
      for (const unit of units) {
        const key = messageKey(unit.context, unit.id);
        if (seen.has(key)) continue;
        seen.add(key);
        row.total++;
        const m = messages.get(key);
        if (!m || !m.str) row.untranslated++;
        else if (m.fuzzy) row.fuzzy++;
        else if (!MESSAGE_DOMAINS.has(domain) && translationProblems(unit.id, m.str, unit.format).length) {
          row.invalid++;
          row.untranslated++;
        } else if (MESSAGE_DOMAINS.has(domain) && (placeholdersOf(unit.id) !== placeholdersOf(m.str) || (domain === UI_DOMAIN && translationProblems(unit.id, m.str, 'yaml').length > 0))) {
          row.invalid++;
          row.untranslated++;
        } else row.translated++;
      }
      rows.push(row);
    }
  }
  return rows;
}

/** Catalogs of messages (the installer's, the site's labels) rather than page prose. */
const MESSAGE_DOMAINS = new Set([INSTALLER_DOMAIN, UI_DOMAIN]);

export function percent(part: number, total: number): string {
  return total === 0 ? '100%' : `${Math.floor((part / total) * 1000) / 10}%`;
}

/** Totals per language, for the first table of the status output. */
export function languageTotals(rows: StatusRow[]): StatusRow[] {
  const byLang = new Map<string, StatusRow>();
  for (const r of rows) {
    const t = byLang.get(r.lang) ?? { lang: r.lang, domain: '(all)', total: 0, translated: 0, fuzzy: 0, untranslated: 0, invalid: 0 };
    t.total += r.total;
    t.translated += r.translated;
    t.fuzzy += r.fuzzy;
    t.untranslated += r.untranslated;
    t.invalid += r.invalid;
    byLang.set(r.lang, t);
  }
  return [...byLang.values()];
}

/** A plain-text table (what `npm run i18n:status` prints). */
export function formatStatus(rows: StatusRow[]): string {
  const header = ['language', 'catalog', 'translated', 'fuzzy', 'untranslated', 'strings'];
  const body = [...languageTotals(rows), ...rows].map((r) => [
    r.lang,
    r.domain,
    percent(r.translated, r.total),
    String(r.fuzzy),
    String(r.untranslated) + (r.invalid ? ` (${r.invalid} invalid)` : ''),
    String(r.total),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...body.map(line)].join('\n');
}

/** The catalog a translator edits for a row, relative to the repository. */
export function statusCatalogFile(row: Pick<StatusRow, 'lang' | 'domain'>): string {
  return `locales/${row.lang}/${row.domain}.po`;
}
