// Sätteri mdast plugin: `${NAME}` inside inline code in prose gets the same variable markers as
// code blocks (Expressive Code handles those), so the reader's addresses show everywhere.
// Prose that talks about a variable itself writes it escaped, `\${MGMT_IP}`: it is shown as the
// name `${MGMT_IP}`, never replaced by a value (LITERAL_VARIABLE, also honoured by the book).
import type { MdastPluginDefinition } from 'satteri';
import {
  LITERAL_VARIABLE,
  markerClass,
  splitVariables,
  variableTitle,
  type VariableCatalog,
} from '../lib/variables.ts';

export function inlineVariablesPlugin(catalog: VariableCatalog): MdastPluginDefinition {
  const marked = (text: string) =>
    splitVariables(text, catalog).map((piece) =>
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
  return {
    name: 'runbook-inline-variables',
    inlineCode(node) {
      const escaped = LITERAL_VARIABLE.test(node.value);
      const pieces = splitVariables(node.value, catalog);
      if (!escaped && !pieces.some((p) => p.kind !== 'text')) return undefined;
      // Split at each escaped reference: those parts stay text (without the backslash).
      const parts = node.value.split(new RegExp(LITERAL_VARIABLE.source, 'g'));
      const children = parts.flatMap((part, i) =>
        i % 2 === 1 ? [{ type: 'text', value: part }] : marked(part),
      );
      return { type: 'emphasis', data: { hName: 'code', hProperties: {} }, children } as never;
    },
  };
}
