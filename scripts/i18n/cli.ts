// npm run i18n:extract | i18n:update | i18n:status | i18n:build
//   extract  English pages + installer sources → locales/templates/*.pot
//   update   extract, then merge into locales/<lang>/*.po (translations kept; changed → fuzzy)
//   status   per language and catalog: translated / fuzzy / untranslated (exit 1 with --strict
//            when anything is not translated)
//   todo     `todo <lang> [catalog]`: the untranslated and fuzzy messages, with their place
//   build    write the localized pages into docs/src/content/docs/<locale>/ (the site build
//            does this itself through docs/src/i18n/integration.ts)
import { join } from 'node:path';
import { catalogFiles, catalogPath, DEFAULT_PATHS, extractTemplates, templatePath, updateCatalogs } from '../../src/i18n/catalog-tools.ts';
import { readPo } from '../../src/i18n/po-file.ts';
import { installerStrings } from '../../src/i18n/installer-strings.ts';
import { buildLocalizedPages, buildWarnings } from '../../src/i18n/build-pages.ts';
import { formatStatus, languageTotals, translationStatus } from '../../src/i18n/status.ts';

const [command, ...rest] = process.argv.slice(2);

/** `locales/ja/zone.po: zone.mdx:12 [zone-create] (fuzzy) "Create the Advanced zone"` lines. */
function todo(lang: string, only?: string): string[] {
  const out: string[] = [];
  const templates = join(DEFAULT_PATHS.localesDir, 'templates');
  for (const domain of catalogFiles(templates, '.pot')) {
    if (only && domain !== only) continue;
    const done = new Map((readPo(catalogPath(DEFAULT_PATHS, lang, domain))?.messages ?? []).filter((m) => !m.obsolete).map((m) => [`${m.context}\u0004${m.id}`, m]));
    for (const m of readPo(templatePath(DEFAULT_PATHS, domain))?.messages ?? []) {
      const have = done.get(`${m.context}\u0004${m.id}`);
      if (have?.str && !have.fuzzy) continue;
      const where = m.references[0] ?? '';
      out.push(`locales/${lang}/${domain}.po: ${where}${m.context ? ` [${m.context}]` : ''}${have?.fuzzy ? ' (fuzzy)' : ''} ${JSON.stringify(m.id)}`);
    }
  }
  return out;
}

function main(): number {
  switch (command) {
    case 'extract': {
      const templates = extractTemplates();
      const count = [...templates.values()].reduce((n, c) => n + c.messages.length, 0);
      console.log(`wrote ${templates.size} templates (${count} messages) to locales/templates/`);
      return 0;
    }
    case 'update': {
      const reports = updateCatalogs();
      for (const r of reports) {
        const s = r.stats;
        console.log(`locales/${r.lang}/${r.domain}.po: ${s.exact} kept, ${s.fuzzy} fuzzy, ${s.untranslated} untranslated, ${s.obsolete} obsolete`);
      }
      return 0;
    }
    case 'status': {
      // The installer's strings as the sources say now, not as last extracted.
      const rows = translationStatus(DEFAULT_PATHS, undefined, () => installerStrings(DEFAULT_PATHS.repoRoot).map((f) => f.id));
      console.log(formatStatus(rows));
      const incomplete = languageTotals(rows).some((t) => t.translated < t.total);
      return rest.includes('--strict') && incomplete ? 1 : 0;
    }
    case 'todo': {
      const [lang, only] = rest;
      if (!lang) {
        console.error('usage: npm run i18n:todo -- <lang> [catalog]');
        return 2;
      }
      for (const item of todo(lang, only)) console.log(item);
      return 0;
    }
    case 'build': {
      const reports = buildLocalizedPages();
      for (const w of buildWarnings(reports)) console.warn(`warning: ${w}`);
      console.log(`wrote ${reports.length} localized pages`);
      return 0;
    }
    default:
      console.error('usage: node scripts/i18n/cli.ts extract|update|status [--strict]|todo <lang> [catalog]|build');
      return 2;
  }
}

process.exitCode = main();
