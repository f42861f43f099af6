// The site's own figures as the book draws them (the site renders the same leaf directives with
// components, docs/src/plugins/site-directives.ts): the network diagram as inline SVG from the
// default site, and the "set these variables in your shell" block with the default values.
import {
  DIAGRAM_LABEL_KEYS,
  networkDiagramSvg,
  type DiagramLabels,
} from '../../docs/src/lib/network-diagram.ts';
import { shellVariablesBlock } from '../../docs/src/lib/shell-variables.ts';

export interface FigureContext {
  ui: (key: string, values?: Record<string, string | number>) => string;
  /** Site variables with the values the book documents (the defaults). */
  variables: Record<string, string>;
  /** Site variables the pages use, in site-file order (for the shell block). */
  shellVariables?: string[];
}

/** Markdown for `::name`, or undefined when the book has no drawing for it. */
export function bookDirective(name: string, context: FigureContext): string | undefined {
  if (name === 'network-diagram') return diagram(context);
  if (name === 'shell-variables') return shellBlock(context);
  return undefined;
}

function diagram({ ui, variables }: FigureContext): string {
  const labels = Object.fromEntries(
    DIAGRAM_LABEL_KEYS.map((key) => [key, ui(`runbook.diagram.${key}`)]),
  ) as DiagramLabels;
  // One line of raw HTML: a CommonMark HTML block ends at the first blank line.
  const svg = networkDiagramSvg(variables, labels, 'wide').replace(/\n/g, ' ');
  return `<div class="rb-diagram">${svg}</div>\n\n*${escapeText(ui('runbook.diagram.description'))}*`;
}

function shellBlock({ ui, variables, shellVariables }: FigureContext): string {
  const names = shellVariables ?? Object.keys(variables);
  const block = shellVariablesBlock(names, {
    site: ui('runbook.shell.sitePart'),
    secrets: ui('runbook.shell.secretsPart'),
  })
    // Inside single quotes: the default value, a quote in it closed and reopened.
    .replace(/'\$\{([A-Z][A-Z0-9_]*)\}'/g, (whole, name: string) =>
      name in variables ? `'${variables[name]!.replace(/'/g, `'\\''`)}'` : whole,
    );
  const fence = '````';
  return `**${escapeText(ui('runbook.shell.title'))}.** ${escapeText(ui('runbook.shell.intro'))}\n\n${ui('runbook.code.byHand')}:\n\n${fence}{.bash .norun}\n${block}\n${fence}`;
}

function escapeText(text: string): string {
  return text.replace(/([\\`*_[\]#<>])/g, '\\$1');
}
