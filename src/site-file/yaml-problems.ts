// YAML syntax errors as the operator's problems: one per mistake, with a fix that says what to
// change. The parser reports one mistake many times (a tab-indented file: an error per line,
// then duplicate keys that only exist because of the tabs; a stray token: three errors on one
// line), so errors are folded: tabs into one problem that lists the lines, others one per line.
import type { LineCounter, YAMLError } from 'yaml';
import type { Problem } from '../diagnostics.ts';
import { t } from '../i18n/translate.ts';
import { shellWord } from '../runbook-command.ts';

/** The key a DUPLICATE_KEY error points at (the second one). */
function keyAt(text: string, offset: number): string {
  return /^["']?([^"':,{}[\]\s]+)/.exec(text.slice(offset))?.[1] ?? '?';
}

function lineList(lines: number[]): string {
  const shown = lines.slice(0, 8).join(', ');
  return lines.length > 8 ? t('{lines} and {n} more', { lines: shown, n: lines.length - 8 }) : shown;
}

function fixFor(error: YAMLError): string {
  switch (error.code) {
    case 'BAD_INDENT':
      return t('line this up with the other entries at its level, with spaces, and close every [ and { it opens');
    case 'MISSING_CHAR':
      return t('add what is missing at this place (a closing quote, ] or }, or the colon after a key)');
    case 'BAD_DQ_ESCAPE':
      return t('inside double quotes write a backslash as \\\\, or put the value in single quotes');
    case 'MULTILINE_IMPLICIT_KEY':
    case 'BLOCK_AS_IMPLICIT_KEY':
      return t('write each entry as key: value on one line, with a space after the colon');
    case 'BAD_SCALAR_START':
      return t('put the value in quotes: YAML reserves its first character');
    case 'MULTIPLE_DOCS':
      return t('keep one document: remove the --- line and what follows, or merge the two');
    case 'UNEXPECTED_TOKEN':
      return t('indent this line like the other keys at its level (spaces only), or remove the stray text');
    default:
      return t('write entries as key: value, indented with spaces, and quote values that hold : # [ ] { }');
  }
}

export function yamlProblems(text: string, file: string, errors: YAMLError[], lines: LineCounter): Problem[] {
  const place = (e: YAMLError) => {
    const { line, col } = lines.linePos(e.pos[0]);
    return { line, column: col };
  };
  const tabs = errors.filter((e) => e.code === 'TAB_AS_INDENT');
  if (tabs.length > 0) {
    // Every other error of such a file is a consequence of reading tabs as content.
    const tabLines = [...new Set(tabs.map((e) => place(e).line))].sort((a, b) => a - b);
    return [
      {
        file,
        ...place(tabs[0]!),
        message: t('indented with tabs (line(s) {lines}); YAML allows only spaces', { lines: lineList(tabLines) }),
        fix: t('indent with spaces, two per level; `expand` does it: {command}', { command: `expand -i -t 2 ${shellWord(file)} > ${shellWord(`${file}.new`)} && mv ${shellWord(`${file}.new`)} ${shellWord(file)}` }),
      },
    ];
  }
  const seen = new Set<number>();
  const problems: Problem[] = [];
  for (const e of errors) {
    const where = place(e);
    if (seen.has(where.line)) continue; // one mistake, several reports on its line
    seen.add(where.line);
    if (e.code === 'DUPLICATE_KEY') {
      const key = keyAt(text, e.pos[0]);
      problems.push({ file, ...where, message: t('"{key}" is written twice in the same mapping', { key }), fix: t('keep one "{key}" and remove the other', { key }) });
      continue;
    }
    problems.push({ file, ...where, message: t('YAML syntax: {message}', { message: e.message.split('\n')[0]! }), fix: fixFor(e) });
  }
  return problems;
}
