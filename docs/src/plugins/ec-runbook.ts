// Expressive Code plugin for runbook code blocks:
// - every `${NAME}` the variable catalog knows becomes a marker element showing the default
//   value (site variables) or the name (per-host and secret variables); the client script swaps
//   site values for the reader's own. The copy button keeps the raw text in `data-code`; the
//   client script fills it with the personalised text (see ../scripts/addresses.ts).
// - blocks the installer never runs (DESIGN.md section 3) say what they are: `norun`, a command
//   the reader types by hand (class `rb-byhand`: labelled, copyable, personalised like any
//   command); `output`, what the reader should see (class `rb-output`: labelled, nothing to copy).
//   cmk blocks say they are API calls. The caption is a translated UI string in
//   `data-rb-caption` (shown by CSS), so it is neither copied nor indexed.
import { ExpressiveCodeAnnotation, definePlugin } from '@expressive-code/core';
import type { AnnotationRenderOptions } from '@expressive-code/core';
import { h } from '@expressive-code/core/hast';
import {
  markerClass,
  splitVariables,
  variableTitle,
  type TextPiece,
  type VariableCatalog,
} from '../lib/variables.ts';
import { displayOnly, parseCodeMeta } from '../../../src/runbook/code-meta.ts';
import { siteLabels } from '../lib/site-labels.ts';

type VariablePiece = Exclude<TextPiece, { kind: 'text' }>;

class VariableAnnotation extends ExpressiveCodeAnnotation {
  readonly name = 'runbook-variable';
  readonly piece: VariablePiece;
  readonly title: string;

  constructor(piece: VariablePiece, title: string, columnStart: number, columnEnd: number) {
    // Latest phase: syntax highlighting has already split the text into tokens; we replace them.
    super({ inlineRange: { columnStart, columnEnd }, renderPhase: 'latest' });
    this.piece = piece;
    this.title = title;
  }

  render({ nodesToTransform }: AnnotationRenderOptions) {
    // The variable may span several highlighted tokens: the first carries the marker, the rest
    // become empty (EC expects as many nodes back as it gave).
    return nodesToTransform.map((_node, index) =>
      index === 0
        ? h(
            'span',
            {
              className: markerClass(this.piece.kind).split(' '),
              'data-var': this.piece.name,
              title: this.title,
            },
            this.piece.shown,
          )
        : h('span', {}),
    );
  }
}

type HastNode = {
  type: string;
  tagName?: string;
  properties?: Record<string, unknown>;
  children?: HastNode[];
};

function findTitle(node: HastNode): { children: unknown[] } | undefined {
  const classes = node.properties?.className;
  if (node.tagName === 'span' && Array.isArray(classes) && classes.includes('title'))
    return node as { children: unknown[] };
  for (const child of node.children ?? []) {
    const found = findTitle(child);
    if (found) return found;
  }
  return undefined;
}

function removeCopyButton(node: HastNode): void {
  if (!node.children) return;
  node.children = node.children.filter((child) => {
    const classes = child.properties?.className;
    return !(child.tagName === 'div' && Array.isArray(classes) && classes.includes('copy'));
  });
  for (const child of node.children) removeCopyButton(child);
}

export function runbookCodePlugin(catalog: VariableCatalog) {
  return definePlugin({
    name: 'runbook-code',
    hooks: {
      annotateCode: ({ codeBlock }) => {
        for (const line of codeBlock.getLines()) {
          let column = 0;
          for (const piece of splitVariables(line.text, catalog)) {
            const width = piece.kind === 'text' ? piece.text.length : piece.name.length + 3;
            if (piece.kind !== 'text') {
              line.addAnnotation(
                new VariableAnnotation(
                  piece,
                  variableTitle(piece, catalog),
                  column,
                  column + width,
                ),
              );
            }
            column += width;
          }
        }
      },
      postprocessRenderedBlock: ({ codeBlock, renderData }) => {
        // File blocks: the path is the frame title (Expressive Code); add the mode and owner the installer sets.
        const t = siteLabels(codeBlock.locale);
        const fileFacts = (['mode', 'owner'] as const)
          .map((key) => [key, codeBlock.metaOptions.getString(key)] as const)
          .filter(([, value]) => value)
          .map(([key, value]) => t(`runbook.code.${key}`, { [key]: value! }));
        const title = fileFacts.length > 0 ? findTitle(renderData.blockAst) : undefined;
        if (title)
          title.children.push(
            h('span', { className: ['rb-file-facts'] }, ` (${fileFacts.join(', ')})`),
          );
        const kind = displayOnly(parseCodeMeta(codeBlock.meta));
        const classes: string[] = [];
        let caption: string | undefined;
        if (kind === 'output') {
          classes.push('rb-output');
          caption = t('runbook.code.output');
        } else if (kind === 'norun') {
          classes.push('rb-byhand');
          caption = t('runbook.code.byHand');
        }
        if (codeBlock.language === 'cmk') {
          classes.push('rb-cmk');
          caption = caption && kind === 'norun' ? `${caption} · ${t('runbook.code.cmk')}` : (caption ?? t('runbook.code.cmk'));
        }
        if (classes.length === 0) return;
        const props = renderData.blockAst.properties;
        const existing = Array.isArray(props.className) ? props.className : [];
        props.className = [...existing, ...classes];
        if (caption) props['data-rb-caption'] = caption;
        // Sample output is not a command: no copy button at all (not merely hidden).
        if (kind === 'output') removeCopyButton(renderData.blockAst as HastNode);
      },
    },
  });
}
