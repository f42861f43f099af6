// PO catalogs in a shape the merge and the page generator can work with, read and written with
// gettext-parser. Entry order is kept as given (template order), so diffs of a catalog stay small.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createRequire } from 'node:module';
import type { GetTextTranslation, GetTextTranslations } from 'gettext-parser';

// Loaded on first use: the installer reads a catalog only when it runs in another language,
// and gettext-parser costs ~100 ms to import, which an English `runbook --help` should not pay.
const requireModule = createRequire(import.meta.url);
let gettextParser: typeof import('gettext-parser') | undefined;
function po(): (typeof import('gettext-parser'))['po'] {
  gettextParser ??= requireModule('gettext-parser') as typeof import('gettext-parser');
  return gettextParser.po;
}

export interface PoMessage {
  context?: string;
  id: string;
  /** Translation; empty when untranslated. */
  str: string;
  fuzzy: boolean;
  /** `#|` lines: the source text the (fuzzy) translation was made for. */
  previous?: { context?: string; id: string };
  /** `#:` page:line references. */
  references: string[];
  /** `#.` notes for the translator written by the extractor. */
  extracted?: string;
  /** `# ` comments written by translators; kept across updates. */
  translator?: string;
  obsolete: boolean;
}

export interface PoCatalog {
  headers: Record<string, string>;
  messages: PoMessage[];
}

export function messageKey(context: string | undefined, id: string): string {
  return `${context ?? ''}\u0004${id}`;
}

export function readPo(file: string): PoCatalog | undefined {
  if (!existsSync(file)) return undefined;
  return parsePo(readFileSync(file));
}

export function parsePo(source: Buffer | string): PoCatalog {
  const parsed = po().parse(source, { defaultCharset: 'utf-8' });
  const messages: PoMessage[] = [];
  const take = (record: GetTextTranslations['translations'] | undefined, obsolete: boolean) => {
    for (const [context, byId] of Object.entries(record ?? {})) {
      for (const entry of Object.values(byId)) {
        if (entry.msgid === '' && !context) continue; // the header
        messages.push(fromEntry(entry, obsolete));
      }
    }
  };
  take(parsed.translations, false);
  take(parsed.obsolete, true);
  return { headers: { ...parsed.headers }, messages };
}

function fromEntry(entry: GetTextTranslation, obsolete: boolean): PoMessage {
  const c = entry.comments ?? {};
  const flags = (c.flag ?? '').split(/[,\s]+/).filter(Boolean);
  return {
    context: entry.msgctxt || undefined,
    id: entry.msgid,
    str: entry.msgstr[0] ?? '',
    fuzzy: flags.includes('fuzzy'),
    previous: c.previous ? parsePrevious(c.previous) : undefined,
    references: (c.reference ?? '').split(/\s+/).filter(Boolean),
    extracted: c.extracted || undefined,
    translator: c.translator || undefined,
    obsolete,
  };
}

/** `msgctxt "a"\nmsgid "b" "c"` (the `#|` lines without their prefix) → { context, id }. */
export function parsePrevious(text: string): { context?: string; id: string } | undefined {
  const fields: Record<string, string> = {};
  let current: string | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const m = /^(msgctxt|msgid)\s+(".*")$/.exec(line);
    if (m) {
      current = m[1]!;
      fields[current] = unquote(m[2]!);
    } else if (current && /^".*"$/.test(line)) {
      fields[current] += unquote(line);
    }
  }
  if (fields.msgid === undefined) return undefined;
  return { context: fields.msgctxt || undefined, id: fields.msgid };
}

function unquote(quoted: string): string {
  return JSON.parse(quoted.replace(/\\([^"\\nt])/g, '$1')) as string;
}

function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\t/g, '\\t')}"`;
}

export function serializePo(catalog: PoCatalog): string {
  const translations: GetTextTranslations['translations'] = { '': { '': { msgid: '', msgstr: [''] } } };
  const obsolete: GetTextTranslations['translations'] = {};
  // gettext-parser groups entries by context; the sort below restores the catalog's own order.
  const order = new WeakMap<GetTextTranslation, number>();
  catalog.messages.forEach((m, index) => {
    const target = m.obsolete ? obsolete : translations;
    const flags = m.fuzzy ? 'fuzzy' : undefined;
    const previous = m.previous
      ? [m.previous.context !== undefined ? `msgctxt ${quote(m.previous.context)}` : '', `msgid ${quote(m.previous.id)}`].filter(Boolean).join('\n')
      : undefined;
    const entry: GetTextTranslation = {
      msgid: m.id,
      msgstr: [m.str],
      comments: {
        translator: m.translator,
        extracted: m.extracted,
        reference: m.references.join('\n') || undefined,
        flag: flags,
        previous,
      },
    };
    if (m.context !== undefined) entry.msgctxt = m.context;
    order.set(entry, index);
    (target[m.context ?? ''] ??= {})[m.id] = entry;
  });
  const table: GetTextTranslations = { charset: 'utf-8', headers: catalog.headers, translations, obsolete };
  return po().compile(table, { foldLength: 78, sort: (a: GetTextTranslation, b: GetTextTranslation) => (order.get(a) ?? 0) - (order.get(b) ?? 0) }).toString('utf8') + '\n';
}

export function writePo(file: string, catalog: PoCatalog): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, serializePo(catalog));
}

/** Lookup of usable translations: not fuzzy, not obsolete, not empty. */
export function translationsOf(catalog: PoCatalog | undefined): Map<string, PoMessage> {
  const map = new Map<string, PoMessage>();
  for (const m of catalog?.messages ?? []) {
    if (!m.obsolete) map.set(messageKey(m.context, m.id), m);
  }
  return map;
}
