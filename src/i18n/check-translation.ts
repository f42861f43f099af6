// A translation may change words, never what is executable or linked: every `code` span (which
// carries commands and ${VARIABLES}), every link target, every {expression} and every JSX tag of
// the English text must come back unchanged, and the translation must stay one inline block
// (a translated paragraph must not turn into a list or a heading). A translation that fails is
// not used: the page shows the English text and the build reports why.
import { parseMdx, type SpliceFormat } from './prose-units.ts';

interface InlineNode { type: string; value?: unknown; url?: string; name?: string | null; children?: InlineNode[] }

/** Problems with `translation` as a rendering of `english`; empty when it may be used. */
export function translationProblems(english: string, translation: string, format: SpliceFormat): string[] {
  if (format === 'yaml' || format === 'attribute' || format === 'alt') {
    return sameList(codeSpansByRegex(english), codeSpansByRegex(translation), 'code span');
  }
  const source = parseInline(english);
  const target = parseInline(translation);
  if (!target.ok) return [`the translation is not valid MDX: ${target.error}`];
  if (!source.ok) return [];
  const problems: string[] = [];
  if (target.blocks !== 1 || target.blockType !== 'paragraph') {
    problems.push('the translation must stay one paragraph of text (it starts like a list, heading or code block)');
  }
  problems.push(...sameList(source.code, target.code, 'code span'));
  problems.push(...sameList(source.links, target.links, 'link target'));
  problems.push(...sameList(source.expressions, target.expressions, 'MDX expression or tag'));
  if ((format === 'cell') && /(^|[^\\])\|/.test(translation)) problems.push('a table cell translation cannot hold an unescaped |');
  if (format === 'block' && /^[ \t]*(:::|```|~~~)/m.test(translation)) {
    problems.push('a line of the translation starts with :::, ``` or ~~~, which would open or close a step, aside or code block');
  }
  return problems;
}

interface Inline { ok: true; blocks: number; blockType?: string; code: string[]; links: string[]; expressions: string[] }

function parseInline(text: string): Inline | { ok: false; error: string } {
  let tree: InlineNode;
  try {
    tree = parseMdx(text) as unknown as InlineNode;
  } catch (error) {
    return { ok: false, error: (error as Error).message.split('\n')[0] ?? 'parse error' };
  }
  const found: Inline = { ok: true, blocks: tree.children?.length ?? 0, blockType: tree.children?.[0]?.type, code: [], links: [], expressions: [] };
  const walk = (node: InlineNode) => {
    if (node.type === 'inlineCode' || node.type === 'code') found.code.push(String(node.value));
    if ((node.type === 'link' || node.type === 'image') && node.url !== undefined) found.links.push(node.url);
    if (node.type === 'mdxTextExpression' || node.type === 'mdxFlowExpression') found.expressions.push(`{${String(node.value)}}`);
    if (node.type === 'mdxJsxTextElement' || node.type === 'mdxJsxFlowElement') found.expressions.push(`<${node.name ?? ''}>`);
    for (const child of node.children ?? []) walk(child);
  };
  walk(tree);
  return found;
}

function codeSpansByRegex(text: string): string[] {
  return [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
}

function sameList(expected: string[], actual: string[], what: string): string[] {
  const a = [...expected].sort();
  const b = [...actual].sort();
  if (a.length === b.length && a.every((x, i) => x === b[i])) return [];
  const missing = a.filter((x) => !b.includes(x));
  const extra = b.filter((x) => !a.includes(x));
  const parts = [];
  if (missing.length) parts.push(`missing ${missing.map((x) => JSON.stringify(x)).join(', ')}`);
  if (extra.length) parts.push(`unexpected ${extra.map((x) => JSON.stringify(x)).join(', ')}`);
  if (!parts.length) parts.push(`expected ${a.length}, found ${b.length}`);
  return [`every ${what} must be kept exactly: ${parts.join('; ')}`];
}
