// Sätteri mdast plugin (Astro 7's Markdown engine; same mdast shapes as a remark plugin): turns
// each `:::step[Title]{#id on=… check=…}` container directive into
//   <StepCard id on> <h3 id="{id}">Title</h3> <StepMeta on check verify requires …/> …prose and code… </StepCard>
// The heading carries exactly the step id, so `/<page>/#<id>` (the installer's links) lands on
// it, and the step shows in the on-page table of contents. Code blocks stay ordinary code
// blocks, so Expressive Code renders them (copy button, file-path titles).
import type { MdastPluginDefinition, MdastVisitorContext } from 'satteri';
import { directiveAttributesAt } from './directive-attributes.ts';
import { captureLines } from '../lib/capture-lines.ts';

export interface StepDirectiveOptions {
  /** Absolute path of StepCard.astro. */
  stepCard: string;
  /** Absolute path of StepMeta.astro. */
  stepMeta: string;
}

/** Attributes shown by StepMeta; `id` goes on the heading. */
const META_ATTRIBUTES = [
  'on',
  'check',
  'verify',
  'requires',
  'needs',
  'timeout',
  'retries',
  'capture',
] as const;

type AnyNode = {
  type: string;
  children?: AnyNode[];
  data?: Record<string, unknown>;
  [key: string]: unknown;
};

function jsxAttribute(name: string, value: string) {
  return { type: 'mdxJsxAttribute', name, value };
}

export function stepDirectivePlugin(options: StepDirectiveOptions) {
  return ({
    source,
    sourceFormat,
  }: {
    source: string;
    sourceFormat: string;
  }): MdastPluginDefinition | undefined => {
    if (!source.includes(':::step')) return undefined;
    return {
      name: 'runbook-step-cards',
      options: { position: true },
      before(root, ctx) {
        if (sourceFormat !== 'mdx') return;
        ctx.prependChild(root, {
          type: 'mdxjsEsm',
          value: `import __RunbookStepCard from ${JSON.stringify(options.stepCard)};\nimport __RunbookStepMeta from ${JSON.stringify(options.stepMeta)};`,
        } as never);
      },
      containerDirective(node, ctx: MdastVisitorContext) {
        if (node.name !== 'step') return undefined;
        const start = node.position?.start.offset;
        const attributes =
          (start !== undefined ? directiveAttributesAt(ctx.source, start) : undefined) ??
          node.attributes ??
          {};
        const id = attributes.id ?? '';
        if (!id)
          ctx.report({
            message: 'step without an id: write :::step[Title]{#my-step on="management"}',
            node,
            severity: 'warning',
          });
        if (sourceFormat !== 'mdx') {
          ctx.report({ message: 'step cards need an .mdx page', node, severity: 'warning' });
          return undefined;
        }
        const children = [...node.children] as unknown as AnyNode[];
        const first = children[0];
        let titleChildren: AnyNode[] = [{ type: 'text', value: id }];
        if (
          first?.type === 'paragraph' &&
          (first.data as { directiveLabel?: boolean } | undefined)?.directiveLabel
        ) {
          titleChildren = first.children ?? titleChildren;
          children.shift();
        }
        const heading = {
          type: 'heading',
          depth: 3,
          data: { hProperties: { id, class: 'rb-step__title' } },
          children: titleChildren,
        };
        // Per-machine variables the step uses: the card tells a reader working by hand to set them.
        const end = node.position?.end.offset;
        const text = start !== undefined && end !== undefined ? ctx.source.slice(start, end) : '';
        const hostVariables = [
          ...new Set([...text.matchAll(/\$\{(HOST_[A-Z0-9_]+)\}/g)].map((m) => m[1]!)),
        ];
        // The API calls the installer makes (cmk blocks not marked norun), as `verb noun`: the
        // card says which of them CloudStack works on for minutes.
        const apiCalls = [...text.matchAll(/```cmk([^\n]*)\n([\s\S]*?)```/g)]
          .filter((m) => !/\bnorun\b/.test(m[1]!))
          .flatMap((m) => m[2]!.split('\n').map((l) => l.trim().split(/\s+/).slice(0, 2).join(' ')))
          .filter(Boolean);
        // api steps that keep ids: the line a reader runs by hand to keep each of them.
        const keeps = captureByHand(children, attributes.capture, (message) =>
          ctx.report({ message, node, severity: 'warning' }),
        );
        const meta = {
          type: 'mdxJsxFlowElement',
          name: '__RunbookStepMeta',
          attributes: [
            ...META_ATTRIBUTES.filter((name) => attributes[name] != null).map((name) =>
              jsxAttribute(name, String(attributes[name])),
            ),
            ...(hostVariables.length > 0
              ? [jsxAttribute('hostVariables', hostVariables.join(' '))]
              : []),
            ...(apiCalls.length > 0 ? [jsxAttribute('apiCalls', apiCalls.join(','))] : []),
            ...(keeps ? [jsxAttribute('captureLines', keeps)] : []),
          ],
          children: [],
        };
        return {
          type: 'mdxJsxFlowElement',
          name: '__RunbookStepCard',
          attributes: [jsxAttribute('step', id), jsxAttribute('on', String(attributes.on ?? ''))],
          children: [heading, meta, ...children],
        } as never;
      },
    };
  };
}

/** The by-hand capture lines of a step (one per line), from the last call of its last cmk block. */
function captureByHand(
  children: AnyNode[],
  capture: string | undefined,
  warn: (message: string) => void,
): string | undefined {
  const pairs = (capture ?? '').split(/\s+/).filter(Boolean).map((pair) => pair.split('='));
  if (pairs.length === 0) return undefined;
  const block = children
    .filter((c) => c.type === 'code' && c.lang === 'cmk' && !/\b(norun|output)\b/.test(String(c.meta ?? '')))
    .at(-1);
  const last = String(block?.value ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .at(-1);
  if (!last) return undefined;
  try {
    return captureLines(last, Object.fromEntries(pairs))
      .map((c) => c.line)
      .join('\n');
  } catch (error) {
    warn(`capture ${capture}: no by-hand line (${(error as Error).message})`);
    return undefined;
  }
}
