// The single reader of runbook pages: MDX (remark-mdx + remark-directive + frontmatter) →
// a Chapter with its steps and actions, plus the problems found on the way (never throws on
// bad content: every problem is collected with its file and line).
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkMdx from 'remark-mdx';
import remarkDirective from 'remark-directive';
import remarkFrontmatter from 'remark-frontmatter';
import { parse as parseYaml } from 'yaml';
import type { Problem } from '../diagnostics.ts';
import { parseCmkLine, CmkSyntaxError } from '../cloudstack/cmk-syntax.ts';
import { apiNameFor } from '../cloudstack/api-reference.ts';
import { displayOnly, parseCodeMeta } from './code-meta.ts';
import { ROLES, type Action, type Chapter, type Role, type Step } from './model.ts';

/** Step attributes the format knows (DESIGN.md section 3, plus `needs`). */
export const STEP_ATTRIBUTES = ['id', 'on', 'check', 'verify', 'capture', 'timeout', 'retries', 'requires', 'needs'] as const;
const SCRIPT_LANGS = new Set(['sh', 'bash']);

// Minimal structural types for the mdast nodes we read (remark's own types are spread over
// several packages; these are the fields we touch).
interface Point { line: number; offset?: number }
interface MdNode {
  type: string;
  name?: string;
  value?: string;
  lang?: string | null;
  meta?: string | null;
  attributes?: Record<string, string | null | undefined> | null;
  children?: MdNode[];
  data?: { directiveLabel?: boolean };
  position?: { start: Point; end: Point };
}

const processor = unified().use(remarkParse).use(remarkFrontmatter, ['yaml']).use(remarkMdx).use(remarkDirective);

export interface ParsedPage {
  chapter: Chapter;
  problems: Problem[];
}

/** `file` is the page path relative to the runbook folder (it names the slug). */
export function parsePage(text: string, file: string): ParsedPage {
  const problems: Problem[] = [];
  const problem = (line: number, message: string, fix?: string, field?: string) =>
    problems.push({ file, line, message, fix, field });
  const slug = slugOf(file);
  let tree: MdNode;
  try {
    tree = processor.parse(text) as unknown as MdNode;
  } catch (error) {
    const e = error as { line?: number; place?: { line?: number; start?: { line?: number } }; reason?: string; message: string };
    const line = e.line ?? e.place?.line ?? e.place?.start?.line ?? 0;
    problem(line, `MDX syntax: ${e.reason ?? e.message}`, "in step attributes, wrap a value holding double quotes in single quotes (check='test \"$x\" = y'; backslash escapes do not work there); in prose, escape { } < or put them in `inline code`");
    return { chapter: { slug, title: slug, order: 0, file, steps: [] }, problems };
  }

  const front = frontmatterOf(tree, problem);
  const title = typeof front.title === 'string' ? front.title : slug;
  const sidebar = front.sidebar as { order?: unknown } | undefined;
  const order = typeof sidebar?.order === 'number' ? sidebar.order : Number.MAX_SAFE_INTEGER;
  const chapter: Chapter = {
    slug,
    title,
    description: typeof front.description === 'string' ? front.description : undefined,
    order,
    file,
    steps: [],
  };
  const visit = (node: MdNode, inStep: boolean) => {
    if (node.type === 'containerDirective' && node.name === 'step') {
      if (inStep) problem(line(node), 'a step cannot contain another step', 'close the first step with ::: before opening the next');
      const parsed = parseStep(node, text, file, slug, chapter.title, problem);
      if (parsed) chapter.steps.push(parsed);
      return;
    }
    if (node.type === 'code' && !inStep) {
      const meta = parseCodeMeta(node.meta);
      const runnable = SCRIPT_LANGS.has(node.lang ?? '') || node.lang === 'cmk' || meta.values.title?.startsWith('/');
      if (meta.flags.has('norun') && meta.flags.has('output')) bothDisplayFlags(line(node), problem);
      else if (runnable && !displayOnly(meta)) {
        problem(line(node), `a ${node.lang ?? 'file'} block outside any step would be shown but never run`, 'move it into a :::step, add `norun` after the language if the reader types it by hand, or `output` if it is what the reader should see');
      }
    }
    for (const child of node.children ?? []) visit(child, inStep);
  };
  for (const child of tree.children ?? []) visit(child, false);
  return { chapter, problems };
}

function parseStep(
  node: MdNode,
  text: string,
  file: string,
  slug: string,
  chapterTitle: string,
  problem: (line: number, message: string, fix?: string, field?: string) => void,
): Step | undefined {
  const at = line(node);
  const attrs = node.attributes ?? {};
  for (const key of Object.keys(attrs)) {
    if (!(STEP_ATTRIBUTES as readonly string[]).includes(key)) {
      problem(at, `unknown step attribute "${key}"`, `use only ${STEP_ATTRIBUTES.join(', ')}`);
    }
  }
  const id = attrs.id ?? '';
  if (!id) problem(at, 'the step has no id', 'add {#some-id ...} after the title, e.g. :::step[Install X]{#install-x on="all"}');
  else if (!/^[a-z0-9-]+$/.test(id)) problem(at, `step id "${id}" may only hold a-z, 0-9 and -`, `rename it, e.g. "${id.toLowerCase().replace(/[^a-z0-9-]+/g, '-')}"`, id);
  const on = attrs.on ?? '';
  if (!(ROLES as readonly string[]).includes(on)) {
    problem(at, on ? `unknown on="${on}"` : 'the step has no on="..."', `set on to one of ${ROLES.join(', ')}`, id || undefined);
  }

  const children = node.children ?? [];
  const labelNode = children.find((c) => c.data?.directiveLabel);
  const title = labelNode ? plainText(labelNode).trim() : '';
  if (!title) problem(at, 'the step has no title', 'write it in brackets: :::step[Install the database]{...}', id || undefined);

  const number = (key: 'timeout' | 'retries'): number | undefined => {
    const raw = attrs[key];
    if (raw === undefined || raw === null) return undefined;
    if (!/^\d+$/.test(raw)) {
      problem(at, `${key}="${raw}" is not a whole number`, `write ${key}="600"-style digits`, id || undefined);
      return undefined;
    }
    return Number(raw);
  };
  const capture: Record<string, string> = {};
  for (const pair of (attrs.capture ?? '').split(/\s+/).filter(Boolean)) {
    const m = /^([A-Z][A-Z0-9_]*)=([A-Za-z0-9_.[\]]+)$/.exec(pair);
    if (!m) problem(at, `capture "${pair}" is not NAME=json.path`, 'write capture="ZONE_ID=id" (upper-case variable, path into the response)', id || undefined);
    else capture[m[1]!] = m[2]!;
  }
  if (Object.keys(capture).length > 0 && on !== 'api') {
    problem(at, 'capture is only for on="api" steps', 'remove capture, or make it an api step', id || undefined);
  }

  const actions: Action[] = [];
  const proseParts: string[] = [];
  for (const child of children) {
    if (child === labelNode) continue;
    if (child.type === 'code') {
      actions.push(...actionsOf(child, file, on as Role, problem, id));
    } else if (child.position?.start.offset !== undefined && child.position.end.offset !== undefined) {
      proseParts.push(text.slice(child.position.start.offset, child.position.end.offset));
    }
  }
  if (actions.length === 0 && !attrs.check && !attrs.verify) {
    problem(at, 'the step runs nothing', 'add a ```sh, file or ```cmk block, or a check/verify', id || undefined);
  }
  const step: Step = {
    id,
    title,
    on: on as Role,
    check: attrs.check ?? undefined,
    verify: attrs.verify ?? undefined,
    capture,
    timeout: number('timeout'),
    retries: number('retries'),
    requires: (attrs.requires ?? '').split(/\s+/).filter(Boolean),
    needs: (attrs.needs ?? '').split(/\s+/).filter(Boolean),
    prose: proseParts.join('\n\n'),
    actions,
    source: { file, line: at },
    chapter: chapterTitle,
    url: `/${slug ? `${slug}/` : ''}#${id}`,
  };
  return step;
}

function actionsOf(
  node: MdNode,
  file: string,
  on: Role,
  problem: (line: number, message: string, fix?: string, field?: string) => void,
  id: string,
): Action[] {
  const at = line(node);
  const meta = parseCodeMeta(node.meta);
  const value = node.value ?? '';
  if (meta.flags.has('norun') && meta.flags.has('output')) bothDisplayFlags(at, problem, id);
  if (displayOnly(meta)) return [];
  const title = meta.values.title;
  if (title !== undefined) {
    if (!title.startsWith('/')) {
      problem(at, `file block title "${title}" is not an absolute path`, 'write the full path, like title="/etc/chrony/chrony.conf"', id);
      return [];
    }
    if (meta.values.mode !== undefined && !/^0?[0-7]{3,4}$/.test(meta.values.mode)) {
      problem(at, `mode=${meta.values.mode} is not an octal file mode`, 'write mode=0644', id);
    }
    if (meta.values.owner !== undefined && !/^[a-z_][a-z0-9_-]*(:[a-z_][a-z0-9_-]*)?$/.test(meta.values.owner)) {
      problem(at, `owner=${meta.values.owner} is not user or user:group`, 'write owner=root:root', id);
    }
    if (on === 'api') problem(at, 'an api step cannot write files', 'move the file block into a step on management, kvm or all', id);
    return [{ kind: 'file', path: title, content: value.endsWith('\n') || value === '' ? value : `${value}\n`, mode: meta.values.mode, owner: meta.values.owner, source: { file, line: at } }];
  }
  if (node.lang === 'cmk') {
    if (on !== 'api') problem(at, 'cmk blocks run only in on="api" steps', 'set on="api" on this step, or move the block', id);
    const actions: Action[] = [];
    value.split('\n').forEach((raw, i) => {
      const text = raw.trim();
      if (!text || text.startsWith('#')) return;
      const lineNo = at + 1 + i;
      try {
        const call = parseCmkLine(text);
        const command = apiNameFor(call.verb, call.noun);
        if (!command) {
          problem(lineNo, `"${call.verb}${call.noun ? ` ${call.noun}` : ''}" is not a CloudStack API`, 'check the verb and noun against the API list (e.g. create zone → createZone)', id);
          return;
        }
        actions.push({ kind: 'api', command, params: call.params, text, source: { file, line: lineNo } });
      } catch (error) {
        if (!(error instanceof CmkSyntaxError)) throw error;
        problem(lineNo, `cmk syntax: ${error.message}`, 'write verb noun key=value ..., quoting values with spaces', id);
      }
    });
    return actions;
  }
  if (SCRIPT_LANGS.has(node.lang ?? '')) {
    if (on === 'api') problem(at, 'an api step cannot run shell scripts', 'move the script into a step on management, kvm or all', id);
    return [{ kind: 'sh', script: value.endsWith('\n') ? value : `${value}\n`, source: { file, line: at } }];
  }
  problem(at, `a \`${node.lang ?? 'plain'}\` block in a step is neither a script, a file nor cmk`, 'use ```sh, ```cmk, add title="/path" for a file, norun for a command the reader types by hand, or output for what the reader should see', id);
  return [];
}

/** `norun` (a command to type) and `output` (what one sees) exclude each other. */
function bothDisplayFlags(at: number, problem: (line: number, message: string, fix?: string, field?: string) => void, id?: string): void {
  problem(at, 'a code block cannot be both norun (a command the reader types) and output (what the reader sees)', 'keep norun on commands and output on sample output, in two blocks', id);
}

function frontmatterOf(tree: MdNode, problem: (line: number, message: string, fix?: string) => void): Record<string, unknown> {
  const node = tree.children?.find((c) => c.type === 'yaml');
  if (!node) {
    problem(1, 'the page has no frontmatter', 'start the page with ---\\ntitle: ...\\nsidebar: { order: N }\\n---');
    return {};
  }
  try {
    const value = parseYaml(node.value ?? '') as unknown;
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch (error) {
    problem(line(node), `frontmatter YAML: ${(error as Error).message.split('\n')[0]}`, 'fix the YAML between the --- lines');
    return {};
  }
}

function plainText(node: MdNode): string {
  if (typeof node.value === 'string' && node.type !== 'code') return node.value;
  return (node.children ?? []).map(plainText).join('');
}

function line(node: MdNode): number {
  return node.position?.start.line ?? 0;
}

/** `guides/database.mdx` → `guides/database`; `index.mdx` → ``. */
export function slugOf(file: string): string {
  const noExt = file.replace(/\.mdx?$/, '').toLowerCase();
  return noExt === 'index' ? '' : noExt.replace(/\/index$/, '');
}
