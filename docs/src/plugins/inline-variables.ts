// Sätteri mdast plugin: `${NAME}` inside inline code in prose gets the same variable markers as
// code blocks (Expressive Code handles those), so the reader's addresses show everywhere.
import type { MdastPluginDefinition } from 'satteri';
import {
  markerClass,
  splitVariables,
  variableTitle,
  type VariableCatalog,
} from '../lib/variables.ts';

export function inlineVariablesPlugin(catalog: VariableCatalog): MdastPluginDefinition {
  return {
    name: 'runbook-inline-variables',
    inlineCode(node) {
      const pieces = splitVariables(node.value, catalog);
      if (!pieces.some((p) => p.kind !== 'text')) return undefined;
      const children = pieces.map((piece) =>
        piece.kind === 'text'
          ? { type: 'text', value: piece.text }
          : {
              type: 'emphasis',
              data: {
                hName: 'span',
                hProperties: {
                  class: markerClass(piece.kind),
                  'data-var': piece.name,
                  title: variableTitle(piece, catalog),
                },
              },
              children: [{ type: 'text', value: piece.shown }],
            },
      );
      return { type: 'emphasis', data: { hName: 'code', hProperties: {} }, children } as never;
    },
  };
}
