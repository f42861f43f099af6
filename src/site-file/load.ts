// Reading a site file: YAML (with positions) → schema with defaults → operator checks.
// Every problem becomes one Problem naming the field, the line, what is wrong and the fix.
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { closest, distance } from 'fastest-levenshtein';
import { InputError, type Problem } from '../diagnostics.ts';
import { t } from '../i18n/translate.ts';
import { runbookCommand } from '../runbook-command.ts';
import { siteSchema, type Site } from './schema.ts';
import { checkSite } from './checks.ts';
import { fieldName, positionOf, type FieldPath } from './positions.ts';
import { knownKeysAt } from './known-keys.ts';
import { exampleOf } from './examples.ts';
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
        ? [t('the site file does not exist'), t('run `{command}` to write one with the defaults, or name another with --site', { command: runbookCommand(['init'], { site: file }) })]
        : code === 'EISDIR'
          ? [t('is a folder, not a site file'), t('name the site file in it, like --site {file}', { file: `${file.replace(/\/+$/, '')}/site.yaml` })]
          : code === 'EACCES'
            ? [t('cannot be read: permission denied'), t('run as a user who may read it (the site file holds no secrets; chmod 644 is fine)')]
            : [t('cannot be read ({code})', { code: code ?? 'error' }), t('check the path and its permissions')];
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
    if (error instanceof ReferenceError) {
      // An alias (*name) whose anchor (&name) is not set before it.
      throw new InputError([{ file, line: 1, message: t('YAML: {message}', { message: error.message }), fix: t('set the anchor (&name) before the alias (*name), or write the value out') }]);
    }
    // The yaml library refuses documents whose aliases expand without bound ("billion laughs").
    throw new InputError([{ file, line: 1, message: t('YAML aliases expand too far to be read safely'), fix: t('write the values out instead of nesting anchors (&name) and aliases (*name)') }]);
  }
  // An empty file (or one of comments only) would otherwise become a whole cloud on the
  // defaults: an all-in-one install on 172.16.10.2 that nobody asked for.
  if (raw === null || raw === undefined) {
    throw new InputError([
      {
        file,
        line: 0,
        message: t('the site file is empty: it names no machines or addresses'),
        fix: t('write one with the defaults and their explanations: {command}, then edit the addresses', { command: runbookCommand(['init', '--force'], { site: file }) }),
      },
    ]);
  }
  const parsed = siteSchema.safeParse(raw, { reportInput: true });
  const at = (path: FieldPath, atKey = false) => positionOf(doc, lines, path, atKey);
  if (!parsed.success) {
    throw new InputError(parsed.error.issues.flatMap((issue) => problemsOfIssue(issue, file, at)));
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

type Locate = (path: FieldPath, atKey?: boolean) => { line: number; column: number };

function problemsOfIssue(issue: z.core.$ZodIssue, file: string, at: Locate): Problem[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(path);
    return issue.keys.map((key) => {
      const guess = known.length > 0 ? closest(key, known) : undefined;
      const near = guess !== undefined && distance(key, guess) <= Math.max(2, key.length / 3);
      return {
        file,
        ...at([...path, key], true),
        field: fieldName([...path, key]),
        message: t('unknown key "{key}"', { key }),
        fix: near
          ? t('did you mean "{guess}"?', { guess: guess! })
          : t('remove it; the keys allowed here are {keys}', { keys: known.join(', ') }),
      };
    });
  }
  return [
    { file, ...at(path), field: fieldName(path), message: describe(issue), fix: fixFor(issue, path) },
  ];
}

function describe(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? t('is missing ({expected} is required)', { expected: expectedName(issue.expected) })
        : t('must be {expected}, not {actual}', { expected: expectedName(issue.expected), actual: typeName(issue.input) });
    case 'too_small':
      return issue.origin === 'array'
        ? Number(issue.minimum) === 1
          ? t('needs at least 1 entry')
          : t('needs at least {n} entries', { n: Number(issue.minimum) })
        : issue.origin === 'string'
          ? t('must not be empty')
          : t('must be at least {n}', { n: Number(issue.minimum) });
    case 'too_big':
      return issue.origin === 'array'
        ? t('takes at most {n} entries', { n: Number(issue.maximum) })
        : t('must be at most {n}', { n: Number(issue.maximum) });
    default:
      return issue.message;
  }
}

/** A fix that shows the field written correctly, e.g. `write it like address: 172.16.10.3`. */
function fixFor(issue: z.core.$ZodIssue, path: FieldPath): string {
  const example = exampleOf(path);
  if (issue.code === 'too_big' && issue.origin === 'array') {
    return t('keep at most {n}, like {example}', { n: Number(issue.maximum), example });
  }
  if (issue.code === 'too_small' && issue.origin === 'array') {
    return t('list at least {n}, like {example}', { n: Number(issue.minimum), example });
  }
  if ((issue.code === 'too_small' || issue.code === 'too_big') && issue.origin === 'number') {
    return t('write a number from {min} to {max}, like {example}', { min: issue.code === 'too_small' ? Number(issue.minimum) : 1, max: issue.code === 'too_big' ? Number(issue.maximum) : 65535, example });
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) return t('add it, like {example}', { example });
  if (issue.code === 'invalid_type' && issue.expected === 'string' && typeof issue.input === 'number') {
    return t('quote it, so YAML reads it as text: {example}', { example });
  }
  return t('write it like {example}', { example });
}

function expectedName(expected: string): string {
  const names: Record<string, string> = {
    string: t('text'),
    int: t('a whole number'),
    number: t('a number'),
    array: t('a list'),
    object: t('a mapping'),
    boolean: t('true or false'),
  };
  return names[expected] ?? expected;
}

function typeName(value: unknown): string {
  if (value === null) return t('empty');
  if (Array.isArray(value)) return t('a list');
  if (typeof value === 'object') return t('a mapping');
  if (typeof value === 'string') return t('text "{text}"', { text: value.slice(0, 40) });
  if (typeof value === 'boolean') return t('{value} (true or false)', { value: String(value) });
  return t('the number {value}', { value: String(value) });
}
