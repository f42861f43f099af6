// The translatable prose of one runbook page: every heading, paragraph, list item, table cell,
// aside, step title and step prose, image alt text, a few JSX attributes (Card titles) and the
// frontmatter's reader-facing fields. Each unit knows the exact source range it came from, so
// the page generator can splice a translation into a copy of the English page and leave every
// other byte (code blocks, file blocks, cmk lines, step attributes, imports) untouched.
// Commands are read only by src/runbook/parse.ts; this module reads prose and nothing else.
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkMdx from 'remark-mdx';
import remarkDirective from 'remark-directive';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';
import { isMap, isScalar, isSeq, parseDocument, type Node as YamlNode } from 'yaml';

export type UnitKind =
  | 'frontmatter'
  | 'heading'
  | 'paragraph'
  | 'step title'
  | 'aside title'
  | 'table cell'
  | 'image alt'
  | 'attribute';

/** How a translation is written back into the page. */
export type SpliceFormat = 'block' | 'line' | 'cell' | 'yaml' | 'attribute' | 'alt';

export interface ProseUnit {
  /** msgctxt: the step id for a step's title and prose. */
  context?: string;
  /** msgid: the English text, inline markdown kept (`code`, **bold**, [links](/x/)). */
  id: string;
  kind: UnitKind;
  line: number;
  start: number;
  end: number;
  format: SpliceFormat;
  /** Characters to put after each newline of a multi-line translation (list indentation, `> `). */
  prefix: string;
  /** Headings: the id the site gives the English heading, kept as an anchor on the translation. */
  anchor?: string;
}

interface Point { line: number; offset?: number }
interface MdNode {
  type: string;
  name?: string;
  value?: string | null | object;
  attributes?: unknown;
  children?: MdNode[];
  data?: { directiveLabel?: boolean };
  position?: { start: Point; end: Point };
}

// The stack of src/runbook/parse.ts plus GFM, which the site renders (tables are prose too).
const processor = unified().use(remarkParse).use(remarkFrontmatter, ['yaml']).use(remarkGfm).use(remarkMdx).use(remarkDirective);

/** Starlight asides: their label is a title; any other container directive but `step` is left alone. */
const ASIDES = new Set(['note', 'tip', 'caution', 'danger']);
/** JSX attributes a reader sees (Card title, TabItem label, image alt). */
const TEXT_ATTRIBUTES = new Set(['title', 'label', 'alt', 'caption', 'description']);
/** Frontmatter paths a reader sees (Starlight's schema). `*` is any list index. */
const FRONTMATTER_FIELDS = ['title', 'description', 'sidebar.label', 'hero.title', 'hero.tagline', 'hero.image.alt', 'hero.actions.*.text', 'banner.content'];

export function parseMdx(text: string): MdNode {
  return processor.parse(text) as unknown as MdNode;
}

/** Units in page order. Throws on MDX the parser rejects (the runbook checks report that). */
export function proseUnits(text: string): ProseUnit[] {
  const units: ProseUnit[] = [];
  const tree = parseMdx(text);
  const add = (unit: Omit<ProseUnit, 'prefix'> & { prefix?: string }) => {
    if (!hasWords(unit.id)) return;
    units.push({ ...unit, prefix: unit.prefix ?? continuationPrefix(text, unit.start) });
  };

  const slugger = headingSlugger();
  const visit = (node: MdNode, step: string | undefined, parent: MdNode | undefined, quoted: boolean) => {
    switch (node.type) {
      case 'yaml':
        frontmatterUnits(text, node, add);
        return;
      case 'code':
      case 'inlineCode':
      case 'html':
      case 'mdxjsEsm':
      case 'mdxFlowExpression':
      case 'definition':
      case 'thematicBreak':
      case 'leafDirective':
        return;
      case 'heading': {
        const range = childRange(node);
        const anchor = slugger(plainText(node));
        if (range) add({ context: step, id: inlineId(text, range, false), kind: 'heading', line: lineOf(node), ...range, format: 'line', anchor });
        return;
      }
      case 'tableCell': {
        const range = childRange(node);
        if (range) add({ context: step, id: inlineId(text, range, false), kind: 'table cell', line: lineOf(node), ...range, format: 'cell' });
        return;
      }
      case 'paragraph': {
        paragraphUnits(text, node, step, parent, quoted, add);
        return;
      }
      case 'containerDirective': {
        const inner = node.name === 'step' ? stepId(node) ?? step : step;
        for (const child of node.children ?? []) visit(child, inner, node, quoted);
        return;
      }
      case 'mdxJsxFlowElement':
      case 'mdxJsxTextElement':
        attributeUnits(text, node, step, add);
        break;
    }
    for (const child of node.children ?? []) visit(child, step, node, quoted || node.type === 'blockquote');
  };
  visit(tree, undefined, undefined, false);
  return units;
}

function paragraphUnits(text: string, node: MdNode, step: string | undefined, parent: MdNode | undefined, quoted: boolean, add: (u: Omit<ProseUnit, 'prefix'>) => void) {
  const children = node.children ?? [];
  const isLabel = Boolean(node.data?.directiveLabel);
  const meaningful = children.filter((c) => !(c.type === 'text' && typeof c.value === 'string' && !c.value.trim()));
  if (!isLabel && meaningful.length > 0 && meaningful.every((c) => c.type === 'image')) {
    for (const image of meaningful) {
      const range = altRange(text, image);
      if (range) add({ context: step, id: text.slice(range.start, range.end), kind: 'image alt', line: lineOf(image), ...range, format: 'alt' });
    }
    return;
  }
  const range = childRange(node);
  if (!range) return;
  let kind: UnitKind = 'paragraph';
  if (isLabel) kind = parent?.name === 'step' ? 'step title' : ASIDES.has(parent?.name ?? '') ? 'aside title' : 'paragraph';
  const hardBreaks = children.some((c) => c.type === 'break');
  add({ context: step, id: inlineId(text, range, quoted, hardBreaks), kind, line: lineOf(node), ...range, format: isLabel ? 'line' : 'block' });
}

function attributeUnits(text: string, node: MdNode, step: string | undefined, add: (u: Omit<ProseUnit, 'prefix'>) => void) {
  const attributes = Array.isArray(node.attributes) ? (node.attributes as MdNode[]) : [];
  for (const attribute of attributes) {
    if (attribute.type !== 'mdxJsxAttribute' || !TEXT_ATTRIBUTES.has(attribute.name ?? '') || typeof attribute.value !== 'string') continue;
    const start = attribute.position?.start.offset;
    const end = attribute.position?.end.offset;
    if (start === undefined || end === undefined) continue;
    const source = text.slice(start, end);
    const open = source.search(/=\s*["']/);
    if (open < 0) continue;
    const quoteAt = source.indexOf(source.slice(open).match(/["']/)![0], open);
    add({ context: step, id: attribute.value, kind: 'attribute', line: lineOf(attribute), start: start + quoteAt + 1, end: end - 1, format: 'attribute' });
  }
}

type YamlAdd = (u: Omit<ProseUnit, 'prefix'> & { prefix?: string }) => void;

function frontmatterUnits(text: string, node: MdNode, add: YamlAdd) {
  const value = typeof node.value === 'string' ? node.value : '';
  const nodeStart = node.position?.start.offset ?? 0;
  const base = text.indexOf(value, nodeStart);
  if (base < 0) return;
  const doc = parseDocument(value);
  const walk = (yaml: unknown, path: string[]) => {
    if (isMap(yaml)) {
      for (const pair of yaml.items) if (isScalar(pair.key)) walk(pair.value, [...path, String(pair.key.value)]);
    } else if (isSeq(yaml)) {
      yaml.items.forEach((item) => walk(item, [...path, '*']));
    } else if (isScalar(yaml) && typeof yaml.value === 'string') {
      const dotted = path.join('.');
      if (!FRONTMATTER_FIELDS.includes(dotted)) return;
      const range = (yaml as YamlNode).range;
      if (!range) return;
      const start = base + range[0];
      const end = base + range[1];
      const line = text.slice(0, start).split('\n').length;
      add({ id: yaml.value, kind: 'frontmatter', line, start, end, format: 'yaml', prefix: '' });
    }
  };
  walk(doc.contents, []);
}

function stepId(node: MdNode): string | undefined {
  const attributes = node.attributes as Record<string, string | null | undefined> | undefined;
  return attributes?.id ?? undefined;
}

function childRange(node: MdNode): { start: number; end: number } | undefined {
  const children = node.children ?? [];
  const start = children[0]?.position?.start.offset;
  const end = children.at(-1)?.position?.end.offset;
  if (start === undefined || end === undefined || end <= start) return undefined;
  return { start, end };
}

/** `![alt](src)`: the range of `alt` in the source. */
function altRange(text: string, image: MdNode): { start: number; end: number } | undefined {
  const start = image.position?.start.offset;
  const end = image.position?.end.offset;
  if (start === undefined || end === undefined) return undefined;
  const close = text.slice(start, end).indexOf('](');
  if (!text.startsWith('![', start) || close < 2) return undefined;
  return { start: start + 2, end: start + close };
}

/** The msgid of an inline range: source markdown with the lines of a wrapped paragraph joined. */
function inlineId(text: string, range: { start: number; end: number }, quoted: boolean, hardBreaks = false): string {
  const lines = text.slice(range.start, range.end).split('\n');
  const strip = quoted ? /^[ \t]*(>[ \t]?)*/ : /^[ \t]*/;
  const joined = lines.map((line, i) => (i === 0 ? line : line.replace(strip, '')));
  return hardBreaks ? joined.join('\n') : joined.join(' ');
}

/** What a continuation line needs in front so it stays inside its list item or quote. */
function continuationPrefix(text: string, start: number): string {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  return text.slice(lineStart, start).replace(/[^\s>]/g, ' ');
}

/**
 * A unit worth translating has at least one word outside its code spans, URLs and expressions:
 * `eth0`, `cloud.internal` or `Zone1, Pod1` are values a translator would only copy.
 */
export function hasWords(id: string): boolean {
  const bare = id.replace(/`[^`]*`/g, ' ').replace(/\]\([^)]*\)/g, ']').replace(/\{[^}]*\}/g, ' ').replace(/<[^>]*>/g, ' ');
  return bare
    .split(/[\s,;:()[\]*_"'!?]+/)
    .map((token) => token.replace(/[.…]+$/, ''))
    .some((token) => /^\p{L}{2,}$/u.test(token) || /^\p{L}+(-\p{L}+)+$/u.test(token));
}

function plainText(node: MdNode): string {
  if ((node.type === 'text' || node.type === 'inlineCode') && typeof node.value === 'string') return node.value;
  return (node.children ?? []).map(plainText).join('');
}

/**
 * The ids the site gives headings (github-slugger's rule, as Astro applies it: lower case,
 * punctuation dropped, spaces to hyphens, repeats numbered), so links to `#the-addresses`
 * keep working on translated pages.
 */
export function headingSlugger(): (text: string) => string {
  const seen = new Map<string, number>();
  return (text) => {
    const base = text.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    return count === 0 ? base : `${base}-${count}`;
  };
}

function lineOf(node: MdNode): number {
  return node.position?.start.line ?? 0;
}
