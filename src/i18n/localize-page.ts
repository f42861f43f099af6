// English page + a language's catalog → the localized page. The English source is copied and
// only the ranges of prose units are replaced, so code blocks, file blocks, cmk lines, step
// attributes and imports stay byte for byte what the installer runs. Untranslated, fuzzy or
// invalid translations fall back to the English text; a page that is not fully translated
// gets a banner (a Starlight aside) saying so and where to help.
import { parseMdx, proseUnits, type ProseUnit } from './prose-units.ts';
import { translationProblems } from './check-translation.ts';
import { messageKey, translationsOf, type PoCatalog } from './po-file.ts';

export interface Fallback {
  unit: ProseUnit;
  reason: 'untranslated' | 'fuzzy' | 'invalid';
  problems?: string[];
}

export interface LocalizeOptions {
  /** Starlight locale folder, used to point internal links at the localized pages. */
  locale: string;
  /** Slugs of the runbook's pages (`overview`, `` for the index): links to them get the locale prefix. */
  pageSlugs: ReadonlySet<string>;
  /** The banner for a page that is not fully translated; undefined for none. */
  banner?: (counts: { translated: number; total: number }) => { title: string; body: string } | undefined;
}

export interface LocalizedPage {
  text: string;
  /** Distinct messages (msgctxt + msgid) of the page, and how many of them are translated. */
  total: number;
  translated: number;
  fallbacks: Fallback[];
  /** Set when the page could not be localized safely and is the English page (links adjusted). */
  error?: string;
}

export function localizePage(english: string, catalog: PoCatalog | undefined, options: LocalizeOptions): LocalizedPage {
  const units = proseUnits(english);
  const messages = translationsOf(catalog);
  const fallbacks: Fallback[] = [];
  const replacements: { start: number; end: number; text: string }[] = [];
  const keys = new Set<string>();
  const translatedKeys = new Set<string>();
  for (const unit of units) {
    const key = messageKey(unit.context, unit.id);
    keys.add(key);
    const message = messages.get(key);
    let text: string | undefined;
    if (!message || message.str === '') fallbacks.push({ unit, reason: 'untranslated' });
    else if (message.fuzzy) fallbacks.push({ unit, reason: 'fuzzy' });
    else {
      const problems = translationProblems(unit.id, message.str, unit.format);
      if (problems.length) fallbacks.push({ unit, reason: 'invalid', problems });
      else {
        text = render(unit, message.str);
        translatedKeys.add(key);
      }
    }
    const original = english.slice(unit.start, unit.end);
    const shown = localizeLinks(text ?? original, unit, options);
    if (shown !== original) replacements.push({ start: unit.start, end: unit.end, text: shown });
  }
  const counts = { translated: translatedKeys.size, total: keys.size };
  let text = splice(english, replacements);
  const banner = counts.translated < counts.total ? options.banner?.(counts) : undefined;
  if (banner) text = insertBanner(text, banner);
  const error = sameExecutableContent(english, text);
  if (error) {
    return { text: english, ...counts, translated: 0, fallbacks: units.map((unit) => ({ unit, reason: 'invalid', problems: [error] })), error };
  }
  return { text, ...counts, fallbacks };
}

function render(unit: ProseUnit, translation: string): string {
  switch (unit.format) {
    case 'block':
      return translation.replace(/\n/g, `\n${unit.prefix}`);
    case 'line': {
      const line = translation.replace(/\s*\n\s*/g, ' ');
      // The translated heading gets its own id from the site; the English id stays reachable.
      return unit.anchor ? `<span id="${unit.anchor}"></span>${line}` : line;
    }
    case 'cell':
      return translation.replace(/\s*\n\s*/g, ' ');
    case 'alt':
      return translation.replace(/\s*\n\s*/g, ' ').replace(/([[\]])/g, '\\$1');
    case 'attribute':
      return translation.replace(/\s*\n\s*/g, ' ').replace(/"/g, '”').replace(/'/g, '’');
    case 'yaml':
      return JSON.stringify(translation);
  }
}

/** `[text](/database/#x)` → `[text](/ja/database/#x)` when `database` is a runbook page. */
function localizeLinks(text: string, unit: ProseUnit, options: LocalizeOptions): string {
  if (unit.format === 'yaml' || unit.format === 'attribute' || unit.format === 'alt') return text;
  return text.replace(/\]\((\/[^)\s]*)/g, (whole, url: string) => {
    const path = url.replace(/[#?].*$/, '');
    const slug = path.replace(/^\/|\/$/g, '');
    if (!options.pageSlugs.has(slug)) return whole;
    return `](/${options.locale}${url}`;
  });
}

function splice(text: string, replacements: { start: number; end: number; text: string }[]): string {
  let out = '';
  let at = 0;
  for (const r of [...replacements].sort((a, b) => a.start - b.start)) {
    if (r.start < at) continue; // overlapping ranges never happen with proseUnits; be safe anyway
    out += text.slice(at, r.start) + r.text;
    at = r.end;
  }
  return out + text.slice(at);
}

/** After the frontmatter (and before anything else) so it is the first thing a reader sees. */
function insertBanner(text: string, banner: { title: string; body: string }): string {
  const match = /^---\r?\n[\s\S]*?\r?\n---[ \t]*(\r?\n|$)/.exec(text);
  const at = match ? match[0].length : 0;
  const aside = `\n:::note[${banner.title.replace(/[[\]]/g, '')}]\n${banner.body}\n:::\n`;
  return text.slice(0, at) + aside + text.slice(at);
}

/** Every code block (language, meta, content) and step/directive attribute must be unchanged. */
const ASIDES = new Set(['note', 'tip', 'caution', 'danger']);

export function sameExecutableContent(english: string, localized: string): string | undefined {
  let a: string[];
  let b: string[];
  try {
    a = executableParts(english);
    b = executableParts(localized);
  } catch (error) {
    return `the localized page does not parse: ${(error as Error).message.split('\n')[0]}`;
  }
  if (a.length !== b.length) return `the localized page has ${b.length} code blocks and directives, the English ${a.length}`;
  const i = a.findIndex((x, n) => x !== b[n]);
  return i < 0 ? undefined : `code block or directive ${i + 1} differs from the English page`;
}

/**
 * Code blocks (with the directives they sit in) and directives' names and attributes, as
 * comparable strings in page order: a translation that closed a step early would move a code
 * block out of its step, and that shows here.
 */
export function executableParts(text: string): string[] {
  const out: string[] = [];
  type Node = { type: string; name?: string; lang?: string | null; meta?: string | null; value?: unknown; attributes?: unknown; children?: Node[] };
  const visit = (node: Node, within: string[]) => {
    if (node.type === 'code') out.push(JSON.stringify(['code', within, node.lang ?? null, node.meta ?? null, node.value]));
    if (node.type === 'containerDirective' && !ASIDES.has(node.name ?? '')) out.push(JSON.stringify(['directive', within, node.name, node.attributes]));
    if (node.type === 'mdxjsEsm') out.push(JSON.stringify(['esm', node.value]));
    const inner = node.type === 'containerDirective' ? [...within, `${node.name}#${String((node.attributes as Record<string, unknown> | undefined)?.id ?? '')}`] : within;
    for (const child of node.children ?? []) visit(child, inner);
  };
  visit(parseMdx(text) as never, []);
  return out;
}
