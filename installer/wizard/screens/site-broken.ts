// Screen 2 when the form cannot edit the site file (a YAML error such as a tab indent or a
// duplicate key, aliases that expand too far, a shape with no place for a value): the problems
// as `runbook check` states them, each with its line of the file, and the two ways on: fix the
// file in an editor and read it again, or start from the defaults.
import React from 'react';
import { Box } from 'ink';
import type { Problem } from '../../../src/diagnostics.ts';
import { t } from '../../../src/i18n/translate.ts';
import { runbookCommand } from '../hints.ts';
import { Frame, ProblemLine, Text, fit, h, useKeys, useTerminalSize } from '../ui.ts';

export interface BrokenSiteProps {
  file: string;
  /** The file as it is, for showing the lines the problems point at. */
  text: string;
  problems: Problem[];
  onReread: () => void;
  onDefaults: () => void;
  onBack: () => void;
}

export function BrokenSiteScreen(props: BrokenSiteProps): React.ReactElement {
  const { columns, rows } = useTerminalSize();
  const width = Math.min(columns, 120);
  useKeys((input, key) => {
    if (input.toLowerCase() === 'r') props.onReread();
    else if (input.toLowerCase() === 'd') props.onDefaults();
    else if (key.escape) props.onBack();
  });
  const lines = props.text.split('\n');
  // Each problem takes its message, its fix and the file's line: three rows.
  const room = Math.max(1, Math.floor((rows - 12) / 3));
  const problems = props.problems.length > 0 ? props.problems : [{ file: props.file, line: 0, message: t('the form cannot place its values in this file') }];
  const shown = problems.slice(0, room);
  return h(
    Frame,
    { title: t('Site'), keys: t('R read the file again · D start from the defaults · Esc back') },
    h(Text, { wrap: 'truncate-end' }, fit(t('The form cannot edit {file} as it is:', { file: props.file }), width)),
    h(
      Box,
      { flexDirection: 'column', marginY: 1 },
      ...shown.map((p, i) =>
        h(
          Box,
          { key: i, flexDirection: 'column' },
          h(ProblemLine, { field: p.line > 0 ? t('line {line}', { line: p.line }) : p.field, message: p.message, fix: p.fix }),
          p.line > 0 && lines[p.line - 1] !== undefined
            ? h(Text, { dimColor: true, wrap: 'truncate-end' }, fit(`  ${p.line} │ ${lines[p.line - 1]}`, width))
            : null,
        ),
      ),
      problems.length > shown.length
        ? h(Text, { dimColor: true }, t('… and {count} more; `{command}` lists them all', { count: problems.length - shown.length, command: runbookCommand('check', { site: props.file }) }))
        : null,
    ),
    h(Text, null, fit(t('Fix it in an editor and press R, or press D to fill in the form from the defaults.'), width * 2)),
    h(Text, { dimColor: true }, fit(t('With D, saving keeps your file beside the new one as {file}.broken.', { file: props.file }), width * 2)),
  );
}
