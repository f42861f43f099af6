// Reading a site file: YAML (with positions) → schema with defaults → operator checks.
// Every problem becomes one Problem naming the field, the line, what is wrong and the fix.
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { InputError, type Problem } from '../diagnostics.ts';
import { t } from '../i18n/translate.ts';
import { runbookCommand } from '../runbook-command.ts';
import { siteSchema, type Site } from './schema.ts';
import { checkSite } from './checks.ts';
import { fieldName, positionOf, type FieldPath } from './positions.ts';
import { schemaProblems } from './schema-problems.ts';
import { yamlProblems } from './yaml-problems.ts';

export interface LoadedSite {
  site: Site;
  file: string;
  /** Problems that do not stop a run (a missing key file, say). */
  warnings: Problem[];
}

/** Reads and checks a site file; throws InputError with every problem found. */
export function loadSite(file: string): LoadedSite {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const [message, fix] =
      code === 'ENOENT'
        ? [
            t('the site file does not exist'),
            t('run `{command}` to write one with the defaults, or name another with --site', {
              command: runbookCommand(['init'], { site: file }),
            }),
          ]
        : code === 'EISDIR'
          ? [
              t('is a folder, not a site file'),
              t('name the site file in it, like --site {file}', {
                file: `${file.replace(/\/+$/, '')}/site.yaml`,
              }),
            ]
          : code === 'EACCES'
            ? [
                t('cannot be read: permission denied'),
                t(
                  'run as a user who may read it (the site file holds no secrets; chmod 644 is fine)',
                ),
              ]
            : [
                t('cannot be read ({code})', { code: code ?? 'error' }),
                t('check the path and its permissions'),
              ];
    throw new InputError([{ file, line: 0, message, fix }]);
  }
  return parseSiteText(text, file);
}

export function parseSiteText(text: string, file: string): LoadedSite {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const syntax = yamlProblems(text, file, [...doc.errors, ...doc.warnings], lines);
  if (syntax.length > 0) throw new InputError(syntax);

  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 50 });
  } catch (error) {
    // The yaml library throws ReferenceError both for an alias without its anchor and for
    // aliases that expand without bound ("Excessive alias count ..."): only the message tells.
    if (error instanceof ReferenceError && !/excessive alias count/i.test(error.message)) {
      // An alias (*name) whose anchor (&name) is not set before it.
      throw new InputError([
        {
          file,
          line: 1,
          message: t('YAML: {message}', { message: error.message }),
          fix: t('set the anchor (&name) before the alias (*name), or write the value out'),
        },
      ]);
    }
    // The yaml library refuses documents whose aliases expand without bound ("billion laughs").
    throw new InputError([
      {
        file,
        line: 1,
        message: t('YAML aliases expand too far to be read safely'),
        fix: t('write the values out instead of nesting anchors (&name) and aliases (*name)'),
      },
    ]);
  }
  // An empty file (or one of comments only) would otherwise become a whole cloud on the
  // defaults: an all-in-one install on 172.16.10.2 that nobody asked for.
  if (raw === null || raw === undefined) {
    throw new InputError([
      {
        file,
        line: 0,
        message: t('the site file is empty: it names no machines or addresses'),
        fix: t(
          'write one with the defaults and their explanations: {command}, then edit the addresses',
          { command: runbookCommand(['init', '--force'], { site: file }) },
        ),
      },
    ]);
  }
  const parsed = siteSchema.safeParse(raw, { reportInput: true });
  const at = (path: FieldPath, atKey = false) => positionOf(doc, lines, path, atKey);
  if (!parsed.success) {
    throw new InputError(schemaProblems(parsed.error.issues, file, at));
  }
  const { errors, warnings } = checkSite(parsed.data);
  const place = (p: { path: FieldPath; message: string; fix: string }): Problem => ({
    file,
    ...at(p.path),
    field: fieldName(p.path),
    message: p.message,
    fix: p.fix,
  });
  if (errors.length > 0) throw new InputError(errors.map(place));
  return { site: parsed.data, file, warnings: warnings.map(place) };
}
