// npm run i18n:extract | i18n:update | i18n:status | i18n:build
//   extract  English pages + installer sources → locales/templates/*.pot
//   update   extract, then merge into locales/<lang>/*.po (translations kept; changed → fuzzy)
//   status   per language and catalog: translated / fuzzy / untranslated (exit 1 with --strict
//            when anything is not translated)
//   build    write the localized pages into docs/src/content/docs/<locale>/ (the site build
//            does this itself through docs/src/i18n/integration.ts)
import { extractTemplates, updateCatalogs } from '../../src/i18n/catalog-tools.ts';
import { buildLocalizedPages, buildWarnings } from '../../src/i18n/build-pages.ts';
import { formatStatus, languageTotals, translationStatus } from '../../src/i18n/status.ts';

const [command, ...rest] = process.argv.slice(2);

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
      const rows = translationStatus();
      console.log(formatStatus(rows));
      const incomplete = languageTotals(rows).some((t) => t.translated < t.total);
      return rest.includes('--strict') && incomplete ? 1 : 0;
    }
    case 'build': {
      const reports = buildLocalizedPages();
      for (const w of buildWarnings(reports)) console.warn(`warning: ${w}`);
      console.log(`wrote ${reports.length} localized pages`);
      return 0;
    }
    default:
      console.error('usage: node scripts/i18n/cli.ts extract|update|status [--strict]|build');
      return 2;
  }
}

process.exitCode = main();
