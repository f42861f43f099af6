// Small building blocks shared by the screens: the frame every screen sits in (title, body,
// key hints), status marks that carry their meaning in a symbol and a word (never colour
// alone), and the terminal size.
import React from 'react';
import { Box, Text, useStdout } from 'ink';
import { Select } from '@inkjs/ui';
import stringWidth from 'string-width';
import { t } from '../../src/i18n/translate.ts';

export const h = React.createElement;

/** A colour name, or none when NO_COLOR asks for plain output. */
export function colour(name: string): string | undefined {
  return process.env.NO_COLOR ? undefined : name;
}

export function useTerminalSize(): { columns: number; rows: number } {
  const { stdout } = useStdout();
  return { columns: Math.max(40, stdout.columns || 80), rows: Math.max(16, stdout.rows || 24) };
}

export type Mark = 'ok' | 'changed' | 'skipped' | 'failed' | 'blocked' | 'running' | 'waiting' | 'pass' | 'warn' | 'fail';

const MARKS: Record<Mark, { symbol: string; word: () => string; colour: string }> = {
  ok: { symbol: '✔', word: () => t('ok'), colour: 'green' },
  changed: { symbol: '✔', word: () => t('changed'), colour: 'green' },
  skipped: { symbol: '–', word: () => t('skipped'), colour: 'gray' },
  failed: { symbol: '✖', word: () => t('FAILED'), colour: 'red' },
  blocked: { symbol: '■', word: () => t('blocked'), colour: 'yellow' },
  running: { symbol: '…', word: () => t('running'), colour: 'cyan' },
  waiting: { symbol: '·', word: () => t('waiting'), colour: 'gray' },
  pass: { symbol: '✔', word: () => t('pass'), colour: 'green' },
  warn: { symbol: '!', word: () => t('warn'), colour: 'yellow' },
  fail: { symbol: '✖', word: () => t('FAIL'), colour: 'red' },
};

export function markWord(mark: Mark): string {
  return MARKS[mark].word();
}

/** `✔ pass`, `✖ FAIL`: symbol and word, coloured when colours are allowed. */
export function StatusMark(props: { mark: Mark; width?: number }): React.ReactElement {
  const m = MARKS[props.mark];
  const text = `${m.symbol} ${m.word()}`;
  return h(Text, { color: colour(m.colour) }, props.width ? pad(text, props.width) : text);
}

export interface FrameProps {
  title: string;
  /** Where in the wizard: "Step 2 of 7". */
  step?: string;
  keys?: string;
  children?: React.ReactNode;
}

/** The frame of every screen: a title line, the body, and a line of key hints at the bottom. */
export function Frame(props: FrameProps): React.ReactElement {
  const { columns } = useTerminalSize();
  const width = Math.min(columns, 120);
  return h(
    Box,
    { flexDirection: 'column', width },
    h(
      Box,
      { justifyContent: 'space-between' },
      h(Text, { bold: true, color: colour('cyan') }, `CloudStack Runbook · ${props.title}`),
      props.step ? h(Text, { dimColor: true }, props.step) : null,
    ),
    h(Text, { dimColor: true }, '─'.repeat(width)),
    h(Box, { flexDirection: 'column' }, props.children),
    props.keys ? h(Box, { marginTop: 1 }, h(Text, { dimColor: true }, props.keys)) : null,
  );
}

/** Columns the text takes on a terminal (CJK characters take two). */
export function displayWidth(text: string): number {
  return stringWidth(text);
}

/** Cut text to a width in columns with an ellipsis, so a long line never wraps a table. */
export function fit(text: string, width: number): string {
  if (width <= 1) return '';
  if (stringWidth(text) <= width) return text;
  let out = '';
  for (const ch of text) {
    if (stringWidth(out + ch) > width - 1) break;
    out += ch;
  }
  return `${out}…`;
}

/** Pad to a width in columns (padEnd counts characters, which is wrong for CJK). */
export function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - stringWidth(text)));
}

export function padLeft(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - stringWidth(text))) + text;
}

export function ProblemLine(props: { message: string; fix?: string; field?: string }): React.ReactElement {
  return h(
    Box,
    { flexDirection: 'column' },
    h(Text, { color: colour('red') }, `✖ ${props.field ? `${props.field}: ` : ''}${props.message}`),
    props.fix ? h(Text, null, `  ${t('Fix:')} ${props.fix}`) : null,
  );
}

/** A callback with a stable identity that always calls the latest function given. */
export function useStableCallback<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void {
  const ref = React.useRef(fn);
  ref.current = fn;
  return React.useCallback((...args: A) => ref.current(...args), []);
}

export interface Choice {
  value: string;
  label: string;
}

/**
 * @inkjs/ui's Select, called back once per choice: its change effect re-fires whenever the
 * callback or the options change identity, so both are kept stable here.
 */
export function ChoiceList(props: { options: Choice[]; defaultValue?: string; onSelect: (value: string) => void }): React.ReactElement {
  const onChange = useStableCallback(props.onSelect);
  const signature = JSON.stringify(props.options);
  const options = React.useMemo(() => props.options, [signature]);
  return h(Select, { options, onChange, ...(props.defaultValue ? { defaultValue: props.defaultValue } : {}) });
}
