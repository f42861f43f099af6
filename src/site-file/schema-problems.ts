// The schema's complaints (zod issues) as the operator's problems: what is wrong with a field
// and a fix that shows it written correctly. One mistake gets one problem: zod also reports a
// wrong-type value's size checks, and a misspelt key both as unknown and as its missing twin.
import type { z } from 'zod';
import { closest, distance } from 'fastest-levenshtein';
import type { Problem } from '../diagnostics.ts';
import { t } from '../i18n/translate.ts';
import { exampleOf } from './examples.ts';
import { fieldName, type FieldPath } from './positions.ts';
import { knownKeysAt } from './known-keys.ts';

type Issue = z.core.$ZodIssue;

function pathOf(issue: Issue): FieldPath {
  return issue.path.filter((p): p is string | number => typeof p !== 'symbol');
}

/** The allowed key `key` is a typo of, if any. */
function nearKey(key: string, known: string[]): string | undefined {
  if (known.length === 0) return undefined;
  const guess = closest(key, known);
  return distance(key, guess) <= Math.max(2, key.length / 3) ? guess : undefined;
}

/** Drops the issues that only repeat another one's mistake. */
function folded(issues: Issue[]): Issue[] {
  const key = (path: FieldPath) => JSON.stringify(path);
  const wrongType = new Set(
    issues
      .filter((i) => i.code === 'invalid_type' && i.input !== undefined)
      .map((i) => key(pathOf(i))),
  );
  const misspelt = new Set(
    issues.flatMap((i) =>
      i.code === 'unrecognized_keys'
        ? i.keys.flatMap((k) => {
            const guess = nearKey(k, knownKeysAt(pathOf(i)));
            return guess ? [key([...pathOf(i), guess])] : [];
          })
        : [],
    ),
  );
  return issues.filter((i) => {
    const at = key(pathOf(i));
    if (i.code === 'invalid_type' && i.input === undefined) return !misspelt.has(at);
    return i.code === 'invalid_type' || !wrongType.has(at);
  });
}

/** The problems of a file the schema refused, in the order of their lines. */
export function schemaProblems(issues: Issue[], file: string, at: Locate): Problem[] {
  return folded(issues)
    .flatMap((issue) => problemsOfIssue(issue, file, at))
    .sort((a, b) => a.line - b.line || (a.column ?? 0) - (b.column ?? 0));
}

export type Locate = (path: FieldPath, atKey?: boolean) => { line: number; column: number };

function problemsOfIssue(issue: z.core.$ZodIssue, file: string, at: Locate): Problem[] {
  const path = pathOf(issue);
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(path);
    return issue.keys.map((key) => {
      const guess = nearKey(key, known);
      return {
        file,
        ...at([...path, key], true),
        field: fieldName([...path, key]),
        message: t('unknown key "{key}"', { key }),
        fix: guess
          ? t('did you mean "{guess}"?', { guess })
          : t('remove it; the keys allowed here are {keys}', { keys: known.join(', ') }),
      };
    });
  }
  return [
    {
      file,
      ...at(path),
      field: fieldName(path),
      message: describe(issue),
      fix: fixFor(issue, path),
    },
  ];
}

function describe(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? t('is missing ({expected} is required)', { expected: expectedName(issue.expected) })
        : t('must be {expected}, not {actual}', {
            expected: expectedName(issue.expected),
            actual: typeName(issue.input),
          });
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
    return t('write a number from {min} to {max}, like {example}', {
      min: issue.code === 'too_small' ? Number(issue.minimum) : 1,
      max: issue.code === 'too_big' ? Number(issue.maximum) : 65535,
      example,
    });
  }
  if (issue.code === 'invalid_type' && issue.input === undefined)
    return t('add it, like {example}', { example });
  if (
    issue.code === 'invalid_type' &&
    issue.expected === 'string' &&
    typeof issue.input === 'number'
  ) {
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
