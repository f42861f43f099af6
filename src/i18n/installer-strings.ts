// The installer's own strings: every `t('literal')` (and `N_('literal')`, a marker for strings
// translated later) in installer/, src/ and docs/src/i18n/, found with the TypeScript parser so
// comments, template strings and look-alike text are never mistaken for calls.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';
import { REPO_ROOT } from './languages.ts';
import type { PoCatalog } from './po-file.ts';
import { TEMPLATE_HEADERS } from './templates.ts';

export const INSTALLER_SOURCE_DIRS = ['installer', 'src', 'docs/src/i18n'];
const TRANSLATING_CALLS = new Set(['t', 'N_']);
const SOURCE_FILE = /\.(ts|tsx|mts|js|mjs)$/;

export interface FoundString {
  id: string;
  file: string;
  line: number;
}

export function installerStrings(root = REPO_ROOT, dirs = INSTALLER_SOURCE_DIRS): FoundString[] {
  const found: FoundString[] = [];
  for (const dir of dirs) {
    for (const file of sourceFiles(join(root, dir))) found.push(...stringsInFile(readFileSync(file, 'utf8'), relative(root, file).split(sep).join('/')));
  }
  return found;
}

export function stringsInFile(text: string, name: string): FoundString[] {
  const kind = name.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const source = ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true, kind);
  const found: FoundString[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && TRANSLATING_CALLS.has(node.expression.text)) {
      const first = node.arguments[0];
      if (first && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first))) {
        const line = source.getLineAndCharacterOfPosition(first.getStart(source)).line + 1;
        found.push({ id: first.text, file: name, line });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

export function installerTemplate(found: FoundString[]): PoCatalog {
  const byId = new Map<string, string[]>();
  for (const f of found) {
    if (!f.id) continue;
    const refs = byId.get(f.id) ?? [];
    refs.push(`${f.file}:${f.line}`);
    byId.set(f.id, refs);
  }
  return {
    headers: { ...TEMPLATE_HEADERS },
    messages: [...byId].map(([id, references]) => ({
      id,
      str: '',
      fuzzy: false,
      references,
      extracted: /\{\w+\}/.test(id) ? 'keep every {placeholder} exactly as written' : undefined,
      obsolete: false,
    })),
  };
}

function sourceFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const entry of entries) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) out.push(...sourceFiles(full));
    else if (SOURCE_FILE.test(entry) && !entry.endsWith('.d.ts')) out.push(full);
  }
  return out;
}
