// Reading a site file: YAML (with positions) → schema with defaults → operator checks.
// Every problem becomes one Problem naming the field, the line, what is wrong and the fix.
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { closest, distance } from 'fastest-levenshtein';
import { InputError, type Problem } from '../diagnostics.ts';
import { siteSchema, type Site } from './schema.ts';
import { checkSite } from './checks.ts';
import { fieldName, positionOf, type FieldPath } from './positions.ts';
import { knownKeysAt } from './known-keys.ts';

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
    throw new InputError([
      {
        file,
        line: 0,
        message: code === 'ENOENT' ? 'the site file does not exist' : `cannot be read (${code})`,
        fix:
          code === 'ENOENT'
            ? 'run `runbook init` to write one with the defaults, or name another with --site'
            : 'check the path and its permissions',
      },
    ]);
  }
  return parseSiteText(text, file);
}

export function parseSiteText(text: string, file: string): LoadedSite {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const seen = new Set<string>();
  const yamlProblems = [...doc.errors, ...doc.warnings].flatMap((e): Problem[] => {
    // The parser can report one mistake twice at the same place; say it once.
    const key = `${e.pos[0]}|${e.message}`;
    if (seen.has(key)) return [];
    seen.add(key);
    const { line, col } = lines.linePos(e.pos[0]);
    return [
      {
        file,
        line,
        column: col,
        message: `YAML syntax: ${e.message.split('\n')[0]}`,
        fix: 'correct the YAML at this line (indentation, quotes, colons)',
      },
    ];
  });
  if (yamlProblems.length > 0) throw new InputError(yamlProblems);

  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 50 }) ?? {};
  } catch {
    // The yaml library refuses documents whose aliases expand without bound ("billion laughs").
    throw new InputError([{ file, line: 1, message: 'YAML aliases expand too far to be read safely', fix: 'write the values out instead of nesting anchors (&name) and aliases (*name)' }]);
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
        message: `unknown key "${key}"`,
        fix: near
          ? `did you mean "${guess}"?`
          : `remove it; the keys allowed here are ${known.join(', ')}`,
      };
    });
  }
  return [
    { file, ...at(path), field: fieldName(path), message: describe(issue), fix: fixFor(issue) },
  ];
}

function describe(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? `is missing (${expectedName(issue.expected)} is required)`
        : `must be ${expectedName(issue.expected)}, not ${typeName(issue.input)}`;
    case 'too_small':
      return issue.origin === 'array'
        ? `needs at least ${issue.minimum} entr${issue.minimum === 1 ? 'y' : 'ies'}`
        : issue.origin === 'string'
          ? 'must not be empty'
          : `must be at least ${issue.minimum}`;
    case 'too_big':
      return issue.origin === 'array'
        ? `takes at most ${issue.maximum} entries`
        : `must be at most ${issue.maximum}`;
    default:
      return issue.message;
  }
}

function fixFor(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.expected === 'int') return 'write a whole number';
  if (issue.code === 'invalid_type' && issue.expected === 'array') return 'write a list, like [a, b]';
  if (issue.code === 'invalid_type' && issue.expected === 'object') {
    return 'write a mapping of keys, like { key: value }';
  }
  if (issue.code === 'invalid_type' && issue.expected === 'string') return 'write it as text';
  if (issue.code === 'invalid_type' && issue.expected === 'boolean') return 'write true or false';
  return 'see `runbook init` for an example of this field';
}

function expectedName(expected: string): string {
  const names: Record<string, string> = { string: 'text', int: 'a whole number', number: 'a number', array: 'a list', object: 'a mapping', boolean: 'true or false' };
  return names[expected] ?? `a ${expected}`;
}

function typeName(value: unknown): string {
  if (value === null) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `text "${value.slice(0, 40)}"`;
  return `${typeof value} ${String(value)}`;
}
