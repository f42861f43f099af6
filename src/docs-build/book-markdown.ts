// The whole runbook as one Pandoc-Markdown document, for the PDF and EPUB downloads.
// Steps (ids, where they run, checks, commands, files, API calls) come only from the engine's
// parser (loadRunbook → Runbook): each `:::step` in a page is replaced by the parser's Step.
// The prose around steps is copied from the page source as written.
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkMdx from 'remark-mdx';
import remarkDirective from 'remark-directive';
import remarkFrontmatter from 'remark-frontmatter';
import type { Action, Chapter, Runbook, Step } from '../runbook/model.ts';

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

const ROLE_TEXT: Record<string, string> = {
  management: 'the management server',
  kvm: 'every KVM host (the management server in an all-in-one cloud)',
  all: 'every machine',
  api: 'the CloudStack API (CloudMonkey syntax)',
};
const ASIDES = new Set(['note', 'tip', 'caution', 'danger']);

export function bookMarkdown(runbook: Runbook, options: BookOptions): string {
  const skip = new Set(options.skipSlugs ?? ['', 'index']);
  const parts = [
    '---',
    `title: ${JSON.stringify(options.title)}`,
    `subtitle: ${JSON.stringify(options.subtitle)}`,
    'lang: en',
    '---',
    '',
  ];
  for (const chapter of runbook.chapters) {
    if (skip.has(chapter.slug)) continue;
    parts.push(chapterMarkdown(chapter, options.readPage(chapter.file)));
  }
  parts.push(variablesAppendix(options.variables, options.variableHelp));
  return parts.join('\n');
}

function chapterMarkdown(chapter: Chapter, source: string): string {
  const steps = new Map(chapter.steps.map((s) => [s.id, s]));
  const tree = pageParser.parse(source) as unknown as MdNode;
  const body = blocks(tree.children ?? [], source, steps);
  const lead = chapter.description ? `*${escapeInline(chapter.description)}*\n\n` : '';
  const anchor = chapter.slug.replace(/[^a-z0-9-]+/g, '-') || 'chapter';
  return `# ${escapeInline(chapter.title)} {#chapter-${anchor}}\n\n${lead}${body}\n`;
}

function blocks(nodes: MdNode[], source: string, steps: Map<string, Step>): string {
  return nodes
    .map((node) => block(node, source, steps))
    .filter((text) => text.trim() !== '')
    .join('\n\n');
}

function block(node: MdNode, source: string, steps: Map<string, Step>): string {
  switch (node.type) {
    case 'yaml':
    case 'mdxjsEsm':
      return '';
    case 'mdxJsxFlowElement':
      // Site components (cards, tabs): keep what they contain.
      return blocks(node.children ?? [], source, steps);
    case 'containerDirective': {
      if (node.name === 'step') {
        const step = steps.get(node.attributes?.id ?? '');
        return step ? stepMarkdown(step, { node, source }) : '';
      }
      const children = node.children ?? [];
      const label = children.find((c) => c.data?.directiveLabel);
      const inner = blocks(
        children.filter((c) => c !== label),
        source,
        steps,
      );
      if (!ASIDES.has(node.name ?? '')) return inner;
      const title = label ? slice(label, source).replace(/^\[|\]$/g, '') : capitalise(node.name!);
      return `::: {.${node.name}}\n**${title}:** ${inner}\n:::`;
    }
    default:
      return bookLinks(slice(node, source));
  }
}

/**
 * A step as the book shows it. With the step's directive from the page, prose and commands keep
 * their page order: each code block is replaced by the parser's actions from its lines (sample
 * output, `norun`, is shown as such); without it, prose comes first, then the actions.
 */
export function stepMarkdown(step: Step, page?: { node: MdNode; source: string }): string {
  const lines = [`### ${escapeInline(step.title)} {#${step.id}}`, ''];
  const facts = [`**Runs on:** ${ROLE_TEXT[step.on] ?? step.on}.`];
  if (step.check) facts.push(`**Already done if this succeeds:** ${inlineCode(step.check)}`);
  if (step.verify) facts.push(`**Verified by:** ${inlineCode(step.verify)}`);
  if (step.requires.length > 0)
    facts.push(`**After:** ${step.requires.map(inlineCode).join(', ')}`);
  lines.push(facts.join('\\\n'), '');
  const body = page ? interleaved(step, page.node, page.source) : undefined;
  if (body) lines.push(body);
  else {
    if (step.prose.trim()) lines.push(bookLinks(step.prose.trim()), '');
    for (const group of groupApiActions(step.actions)) lines.push(actionMarkdown(group), '');
  }
  return lines.join('\n').trimEnd();
}

/** The step's children in page order; undefined when the page and the parser disagree. */
function interleaved(step: Step, node: MdNode, source: string): string | undefined {
  const parts: string[] = [];
  const used = new Set<Action>();
  for (const child of node.children ?? []) {
    if (child.data?.directiveLabel) continue;
    if (child.type !== 'code') {
      parts.push(bookLinks(slice(child, source)));
      continue;
    }
    const from = child.position?.start.line ?? -1;
    const to = child.position?.end.line ?? -1;
    const actions = step.actions.filter((a) => a.source.line >= from && a.source.line <= to);
    actions.forEach((a) => used.add(a));
    if (actions.length > 0) parts.push(...groupApiActions(actions).map(actionMarkdown));
    else if (/\bnorun\b/.test(child.meta ?? ''))
      parts.push(`Sample output:\n\n${fenced(child.value ?? '', '')}`);
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

function actionMarkdown(group: Action[]): string {
  const first = group[0]!;
  if (first.kind === 'sh') return fenced(first.script, 'bash');
  if (first.kind === 'file') {
    const details = [first.mode && `mode ${first.mode}`, first.owner && `owner ${first.owner}`]
      .filter(Boolean)
      .join(', ');
    return `File ${inlineCode(first.path)}${details ? ` (${details})` : ''}:\n\n${fenced(first.content, '')}`;
  }
  return fenced(group.map((a) => (a.kind === 'api' ? a.text : '')).join('\n'), '');
}

function fenced(text: string, lang: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${text.replace(/\n$/, '')}\n${fence}`;
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
): string {
  const rows = Object.entries(variables)
    .filter(([, value]) => !value.includes('\n'))
    .map(
      ([name, value]) =>
        `| ${inlineCode(`\${${name}}`)} | ${value ? inlineCode(value) : '(empty)'} | ${escapeInline(help[name] ?? '')} |`,
    );
  return [
    '# Variables {#chapter-variables}',
    '',
    'Commands in this book use environment variables, exactly as the installer runs them. The defaults below',
    'describe the runbook’s example network; `runbook init` writes a site file where you set your own.',
    'Per-machine values (`${HOST_IP}`, `${HOST_NAME}`, `${HOST_FQDN}`, `${HOST_ROLE}`) differ on each host, and',
    'secrets (`${ADMIN_PASSWORD}` …) are generated by the installer: export them in your shell when working by hand.',
    '',
    '| Variable | Default | Site file |',
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

/** Site links between pages become links inside the book: `/slug/#id` → `#id`, `/slug/` → its chapter. */
function bookLinks(markdown: string): string {
  return markdown.replace(
    /\]\(\/([a-z0-9-]*)\/?(#[^)\s]+)?\)/g,
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

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
