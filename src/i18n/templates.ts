// Building the templates: one POT per runbook page (its prose units) and one for the installer
// (its t() strings). References name the page and line; a step's id is the msgctxt.
import { readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { pagesUnder } from '../runbook/load.ts';
import { REPO_ROOT } from './languages.ts';
import { messageKey, type PoCatalog, type PoMessage } from './po-file.ts';
import { proseUnits, type ProseUnit } from './prose-units.ts';

export const TEMPLATE_HEADERS: Record<string, string> = {
  'Project-Id-Version': 'cloudstack-runbook',
  'Report-Msgid-Bugs-To': 'https://github.com/cloudstack-runbook/cloudstack-runbook/issues',
  'MIME-Version': '1.0',
  'Content-Type': 'text/plain; charset=UTF-8',
  'Content-Transfer-Encoding': '8bit',
};

/** Pages of the English runbook relative to `dir` (the runbook loader's own listing). */
export const englishPages = (dir: string): string[] => pagesUnder(dir);

const NOTES: Record<ProseUnit['kind'], string> = {
  frontmatter: 'page metadata (plain text, no markdown)',
  heading: 'heading',
  paragraph: 'paragraph',
  'step title': 'step title (also shown by the installer)',
  'aside title': 'aside title',
  'table cell': 'table cell (one line; escape | as \\|)',
  'image alt': 'image description (plain text)',
  attribute: 'component label (plain text)',
};

export function extractedNote(unit: Pick<ProseUnit, 'kind' | 'id'>): string {
  const keep = /`/.test(unit.id) ? '; keep every `code` span, link target and {expression} exactly as written' : '';
  return `${NOTES[unit.kind]}${keep}`;
}

/** `pageFile` is relative to the runbook folder; references are relative to the repository. */
export function pageTemplate(text: string, pageFile: string, docsDir: string): PoCatalog {
  const refBase = relative(REPO_ROOT, join(docsDir, pageFile)).split(sep).join('/');
  return unitsToCatalog(proseUnits(text), (u) => `${refBase}:${u.line}`);
}

export function unitsToCatalog(units: ProseUnit[], reference: (u: ProseUnit) => string): PoCatalog {
  const byKey = new Map<string, PoMessage>();
  for (const u of units) {
    const key = messageKey(u.context, u.id);
    const existing = byKey.get(key);
    if (existing) {
      if (!existing.references.includes(reference(u))) existing.references.push(reference(u));
      continue;
    }
    byKey.set(key, { context: u.context, id: u.id, str: '', fuzzy: false, references: [reference(u)], extracted: extractedNote(u), obsolete: false });
  }
  return { headers: { ...TEMPLATE_HEADERS }, messages: [...byKey.values()] };
}

export function readPage(docsDir: string, file: string): string {
  return readFileSync(join(docsDir, file), 'utf8');
}
