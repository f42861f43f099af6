// The whole runbook as one Pandoc-Markdown document, for the PDF and EPUB downloads.
// Steps (ids, where they run, checks, commands, files, API calls) come only from the engine's
// parser (loadRunbook → Runbook): each `:::step` in a page is replaced by the parser's Step.
// The prose around steps is copied from the page source as written.
import { readFileSync } from 'node:fs';
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkMdx from 'remark-mdx';
import remarkDirective from 'remark-directive';
import remarkFrontmatter from 'remark-frontmatter';
import type { Action, Chapter, Runbook, Step } from '../runbook/model.ts';
import { displayOnly, parseCodeMeta } from '../runbook/code-meta.ts';
import { fillPlaceholders } from '../i18n/ui-strings.ts';
import { bookDirective, type FigureContext } from './book-figures.ts';
import { siteVariablesUsed } from '../../docs/src/lib/shell-variables.ts';
import { substitute } from '../runbook/variable-refs.ts';

/**
 * The site's labels in the book's language (src/i18n/ui-strings.ts uiTranslator). Called `ui`, not
 * `t`: the installer-string extractor takes every `t('…')` in src/ for an installer message.
 */
export type BookTranslate = (key: string, values?: Record<string, string | number>) => string;

export interface BookOptions {
  /** Page source by chapter file (relative to runbook.dir). */
  readPage: (file: string) => string;
  title: string;
  subtitle: string;
  /** Variables with the defaults the book documents, for the closing reference table. */
  variables: Record<string, string>;
  /** Where each variable comes from in the site file. */
  variableHelp: Record<string, string>;
  /** Chapter slugs that are site furniture, not runbook (the home page). */
  skipSlugs?: string[];
  /** Language of the pages (`en`, `ja`, `zh-CN`); English by default. */
  lang?: string;
  /** Site locale prefix of the pages' links (`ja` for `/ja/zone/`); none for English. */
  locale?: string;
  /** Labels in the book's language; English (content/i18n/en.json) by default. */
  ui?: BookTranslate;
}

/** What the rendering of one page needs besides the page. */
interface BookContext extends FigureContext {
  ui: BookTranslate;
  locale?: string;
}

interface MdNode {
  type: string;
  name?: string;
  attributes?: Record<string, string | null | undefined> | null;
  children?: MdNode[];
  data?: { directiveLabel?: boolean };
  lang?: string | null;
  meta?: string | null;
  value?: string;
  position?: { start: { line: number; offset?: number }; end: { line: number; offset?: number } };
}

const pageParser = unified()
  .use(remarkParse)
  .use(remarkFrontmatter, ['yaml'])
  .use(remarkMdx)
  .use(remarkDirective);

const ROLES_WITH_NOTES = new Set(['kvm', 'all', 'api']);
const ASIDES = new Set(['note', 'tip', 'caution', 'danger']);

/** The English labels, for callers that give no translator (tests, a bare runbook). */
export const englishLabels: BookTranslate = (key, values) =>
  fillPlaceholders(ENGLISH[key] ?? key, values);
const ENGLISH: Record<string, string> = JSON.parse(
  readFileSync(new URL('../../docs/src/content/i18n/en.json', import.meta.url), 'utf8'),
) as Record<string, string>;

export function bookMarkdown(runbook: Runbook, options: BookOptions): string {
  const skip = new Set(options.skipSlugs ?? ['', 'index']);
  const ui = options.ui ?? englishLabels;
  const sources = new Map(runbook.chapters.map((c) => [c.file, options.readPage(c.file)]));
  const context: BookContext = {
    ui,
    locale: options.locale,
    variables: options.variables,
    shellVariables: siteVariablesUsed([...sources.values()], Object.keys(options.variables)),
  };
  const parts = [
    '---',
    `title: ${JSON.stringify(options.title)}`,
    `subtitle: ${JSON.stringify(options.subtitle)}`,
    `lang: ${JSON.stringify(options.lang ?? 'en')}`,
    `toc-title: ${JSON.stringify(ui('runbook.book.contents'))}`,
    '---',
    '',
  ];
  for (const chapter of runbook.chapters) {
    if (skip.has(chapter.slug)) continue;
    parts.push(chapterMarkdown(chapter, sources.get(chapter.file)!, context));
  }
  parts.push(variablesAppendix(options.variables, options.variableHelp, ui));
  return parts.join('\n');
}

function chapterMarkdown(chapter: Chapter, source: string, context: BookContext): string {
  const steps = new Map(chapter.steps.map((s) => [s.id, s]));
  const tree = pageParser.parse(source) as unknown as MdNode;
  const body = blocks(tree.children ?? [], source, steps, context);
  const lead = chapter.description ? `*${escapeInline(chapter.description)}*\n\n` : '';
  const anchor = chapter.slug.replace(/[^a-z0-9-]+/g, '-') || 'chapter';
  return `# ${escapeInline(chapter.title)} {#chapter-${anchor}}\n\n${lead}${body}\n`;
}

function blocks(
  nodes: MdNode[],
  source: string,
  steps: Map<string, Step>,
  context: BookContext,
): string {
  return nodes
    .map((node) => block(node, source, steps, context))
    .filter((text) => text.trim() !== '')
    .join('\n\n');
}

function block(
  node: MdNode,
  source: string,
  steps: Map<string, Step>,
  context: BookContext,
): string {
  switch (node.type) {
    case 'yaml':
    case 'mdxjsEsm':
      return '';
    case 'mdxJsxFlowElement':
      // Site components (cards, tabs): keep what they contain.
      return blocks(node.children ?? [], source, steps, context);
    case 'leafDirective':
      // The site's own figures (::network-diagram, ::shell-variables), drawn for the book.
      return bookDirective(node.name ?? '', context) ?? '';
    case 'code':
      return displayBlock(node, context) ?? bookProse(slice(node, source), context);
    case 'containerDirective': {
      if (node.name === 'step') {
        const step = steps.get(node.attributes?.id ?? '');
        return step ? stepMarkdown(step, { node, source }, context) : '';
      }
      const children = node.children ?? [];
      const label = children.find((c) => c.data?.directiveLabel);
      const inner = blocks(
        children.filter((c) => c !== label),
        source,
        steps,
        context,
      );
      if (!ASIDES.has(node.name ?? '')) return inner;
      const title = label
        ? slice(label, source).replace(/^\[|\]$/g, '')
        : context.ui(`runbook.book.aside.${node.name}`);
      return `::: {.${node.name}}\n**${title}:** ${inner}\n:::`;
    }
    default:
      return bookProse(slice(node, source), context);
  }
}

/** A block the installer never runs, captioned as on the site; undefined for any other block. */
function displayBlock(node: MdNode, context: BookContext): string | undefined {
  const kind = displayOnly(parseCodeMeta(node.meta));
  if (!kind) return undefined;
  const caption = context.ui(kind === 'output' ? 'runbook.code.output' : 'runbook.code.byHand');
  const lang = kind === 'norun' && (node.lang === 'sh' || node.lang === 'bash') ? 'bash' : '';
  // Output is shown as the documented (default) site prints it, so a table keeps its columns;
  // commands keep their ${NAME}s, which the book's variable table explains.
  const text =
    kind === 'output' ? substitute(node.value ?? '', context.variables) : (node.value ?? '');
  return `${caption}:\n\n${fenced(text, lang, kind)}`;
}

/**
 * A step as the book shows it. With the step's directive from the page, prose and commands keep
 * their page order: each code block is replaced by the parser's actions from its lines (sample
 * output, `norun`, is shown as such); without it, prose comes first, then the actions.
 */
export function stepMarkdown(
  step: Step,
  page?: { node: MdNode; source: string },
  context: BookContext = { ui: englishLabels, variables: {} },
): string {
  const { ui } = context;
  const lines = [`### ${escapeInline(step.title)} {#${step.id}}`, ''];
  const role = ['management', 'kvm', 'all', 'api'].includes(step.on)
    ? `${ui(`runbook.role.${step.on}`)}${ROLES_WITH_NOTES.has(step.on) ? ` (${ui(`runbook.role.${step.on}.note`)})` : ''}`
    : step.on;
  const facts = [`**${ui('runbook.step.runsOn')}:** ${escapeInline(role)}.`];
  if (step.check) facts.push(`**${ui('runbook.step.check')}:** ${inlineCode(step.check)}`);
  if (step.verify) facts.push(`**${ui('runbook.step.verify')}:** ${inlineCode(step.verify)}`);
  if (step.requires.length > 0)
    facts.push(`**${ui('runbook.step.after')}:** ${step.requires.map(inlineCode).join(', ')}`);
  const captured = Object.entries(step.capture ?? {});
  if (captured.length > 0)
    facts.push(
      `**${ui('runbook.step.keeps')}:** ${captured.map(([name, path]) => inlineCode(`${name}=${path}`)).join(' ')}`,
    );
  lines.push(facts.join('\\\n'), '');
  const body = page ? interleaved(step, page.node, page.source, context) : undefined;
  if (body) lines.push(body);
  else {
    if (step.prose.trim()) lines.push(bookProse(step.prose.trim(), context), '');
    for (const group of groupApiActions(step.actions)) lines.push(actionMarkdown(group, ui), '');
  }
  return lines.join('\n').trimEnd();
}

/** The step's children in page order; undefined when the page and the parser disagree. */
function interleaved(
  step: Step,
  node: MdNode,
  source: string,
  context: BookContext,
): string | undefined {
  const parts: string[] = [];
  const used = new Set<Action>();
  for (const child of node.children ?? []) {
    if (child.data?.directiveLabel) continue;
    if (child.type !== 'code') {
      parts.push(bookProse(slice(child, source), context));
      continue;
    }
    const from = child.position?.start.line ?? -1;
    const to = child.position?.end.line ?? -1;
    const actions = step.actions.filter((a) => a.source.line >= from && a.source.line <= to);
    actions.forEach((a) => used.add(a));
    if (actions.length > 0)
      parts.push(...groupApiActions(actions).map((g) => actionMarkdown(g, context.ui)));
    else parts.push(displayBlock(child, context) ?? '');
  }
  // Every action must have found its place, or the book would silently lose a command.
  if (used.size !== step.actions.length) return undefined;
  return parts.filter((p) => p.trim() !== '').join('\n\n');
}

/** Consecutive API calls read best as one block, as a reader would paste them into cmk. */
function groupApiActions(actions: Action[]): Action[][] {
  const groups: Action[][] = [];
  for (const action of actions) {
    const last = groups.at(-1);
    if (action.kind === 'api' && last?.[0]?.kind === 'api') last.push(action);
    else groups.push([action]);
  }
  return groups;
}

function actionMarkdown(group: Action[], ui: BookTranslate): string {
  const first = group[0]!;
  if (first.kind === 'sh') return fenced(first.script, 'bash');
  if (first.kind === 'file') {
    const details = [
      first.mode && ui('runbook.code.mode', { mode: first.mode }),
      first.owner && ui('runbook.code.owner', { owner: first.owner }),
    ]
      .filter(Boolean)
      .join(', ');
    const label = ui('runbook.book.file', { path: inlineCode(first.path) });
    return `${label}${details ? ` (${details})` : ''}:\n\n${fenced(first.content, '')}`;
  }
  return `${ui('runbook.code.cmk')}:\n\n${fenced(group.map((a) => (a.kind === 'api' ? a.text : '')).join('\n'), '')}`;
}

/** A fenced block; `kind` becomes a class the book's style and code filter read (`output`). */
export function fenced(text: string, lang: string, kind?: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const info = kind ? `{${[lang && `.${lang}`, `.${kind}`].filter(Boolean).join(' ')}}` : lang;
  return `${fence}${info}\n${text.replace(/\n$/, '')}\n${fence}`;
}

function inlineCode(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${text}${pad}${ticks}`;
}

function variablesAppendix(
  variables: Record<string, string>,
  help: Record<string, string>,
  ui: BookTranslate,
): string {
  const rows = Object.entries(variables)
    .filter(([, value]) => !value.includes('\n'))
    .map(
      ([name, value]) =>
        `| ${inlineCode(`\${${name}}`)} | ${value ? inlineCode(value) : ui('runbook.book.empty')} | ${escapeInline(help[name] ?? '')} |`,
    );
  return [
    `# ${ui('runbook.book.variables')} {#chapter-variables}`,
    '',
    ui('runbook.book.variablesIntro'),
    '',
    `| ${ui('runbook.book.variable')} | ${ui('runbook.book.default')} | ${ui('runbook.book.siteField')} |`,
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

/**
 * Prose as the book shows it: links inside the book, `\${NAME}` as the name itself, and a
 * translated heading's kept anchor (`## <span id="x"></span>Title`) as the heading's own id:
 * pandoc copies a heading's HTML into the table of contents, where the span would catch the links.
 */
function bookProse(markdown: string, context: BookContext): string {
  return bookLinks(markdown, context.locale)
    .replace(/\\(\$\{[A-Z][A-Z0-9_]*\})/g, '$1')
    .replace(/^(#{1,6}) +<span id="([A-Za-z0-9_-]+)"><\/span>(.*)$/gm, '$1 $3 {#$2}');
}

/**
 * Site links between pages become links inside the book: `/slug/#id` → `#id`, `/slug/` → its
 * chapter; a translated page's links carry its locale (`/ja/slug/`).
 */
function bookLinks(markdown: string, locale?: string): string {
  const prefix = locale ? `(?:${locale.replace(/[^a-z0-9-]/gi, '')}\\/)?` : '';
  return markdown.replace(
    new RegExp(`\\]\\(\\/${prefix}([a-z0-9-]*)\\/?(#[^)\\s]+)?\\)`, 'g'),
    (_whole, slug: string, fragment?: string) =>
      fragment ? `](${fragment})` : `](#chapter-${slug || 'index'})`,
  );
}

function slice(node: MdNode, source: string): string {
  const start = node.position?.start.offset;
  const end = node.position?.end.offset;
  return start === undefined || end === undefined ? '' : source.slice(start, end);
}

function escapeInline(text: string): string {
  return text.replace(/([\\`*_[\]#<>])/g, '\\$1');
}
