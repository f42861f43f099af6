// Small building blocks shared by the screens: the frame every screen sits in (title, step,
// body, key hints, the help panel), status marks that carry their meaning in a symbol and a
// word (never colour alone), text that never sends a control character, and the terminal size.
import React from 'react';
import { Box, Text as InkText, useStdout, type TextProps } from 'ink';
import { ConfirmInput, Select } from '@inkjs/ui';
import stringWidth from 'string-width';
import wrapAnsi from 'wrap-ansi';
import { t } from '../../src/i18n/translate.ts';
import { InputScopeContext } from './input.ts';
import { printable } from './printable.ts';

export { InputScopeContext, useKeys, useRawInput, F1, type InputScope } from './input.ts';
export { TextField, type TextFieldProps } from './text-field.ts';
export { printable } from './printable.ts';

export const h = React.createElement;

const escapeNode = (node: React.ReactNode): React.ReactNode =>
  typeof node === 'string' ? printable(node) : Array.isArray(node) ? node.map(escapeNode) : node;

/** Ink's Text, with control characters in its strings shown as escapes (see printable.ts). */
export function Text(props: TextProps & { children?: React.ReactNode }): React.ReactElement {
  return h(InkText, props, escapeNode(props.children));
}

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
  /** Where in the wizard: "Step 2 of 7"; defaults to what the FrameContext says. */
  step?: string;
  /** The key hints, parts joined by " · " (the help panel lists one part a line). */
  keys?: string;
  /** More lines for the help panel: keys the hint line has no room for. */
  help?: string[];
  children?: React.ReactNode;
}

/** What the app around the screens tells every frame: the step, and whether help is open. */
export interface FrameInfo {
  step?: string;
  /** The help key to name in the hint line; no help is offered without one. */
  helpKey?: string;
  helpOpen?: boolean;
}

export const FrameContext = React.createContext<FrameInfo>({});

function HelpPanel(props: { keys?: string; help?: string[] }): React.ReactElement {
  const lines = (texts: string[]) => h(Box, { flexDirection: 'column' }, ...texts.map((text, i) => h(Text, { key: i }, `  ${text}`)));
  return h(
    Box,
    { flexDirection: 'column' },
    h(Text, { bold: true }, t('Keys on this screen')),
    lines([...(props.keys ? props.keys.split(' · ') : []), ...(props.help ?? [])]),
    h(Box, { marginTop: 1 }, h(Text, { bold: true }, t('Everywhere'))),
    lines([t('? or F1: this help (F1 while typing in a field); Esc closes it'), t('Ctrl-C: quit (while installing, it asks how to stop first)')]),
  );
}

/** The frame of every screen: a title line, the body, and a line of key hints at the bottom. */
export function Frame(props: FrameProps): React.ReactElement {
  const { columns } = useTerminalSize();
  const info = React.useContext(FrameContext);
  const width = Math.min(columns, 120);
  const step = props.step ?? info.step;
  const keys = info.helpOpen
    ? t('Esc, ? or F1 close the help')
    : [props.keys, info.helpKey].filter((k): k is string => Boolean(k)).join(' · ');
  return h(
    Box,
    { flexDirection: 'column', width },
    h(
      Box,
      { justifyContent: 'space-between' },
      h(Text, { bold: true, color: colour('cyan'), wrap: 'truncate-end' }, `CloudStack Runbook · ${props.title}`),
      step ? h(Box, { flexShrink: 0, marginLeft: 1 }, h(Text, { dimColor: true }, step)) : null,
    ),
    h(Text, { dimColor: true }, '─'.repeat(width)),
    info.helpOpen ? h(HelpPanel, { keys: props.keys, help: props.help }) : null,
    // Hidden, not unmounted, under the help: a half-typed form keeps its state.
    h(Box, { flexDirection: 'column', display: info.helpOpen ? 'none' : 'flex' }, props.children),
    keys ? h(Box, { marginTop: 1 }, h(Text, { dimColor: true }, keys)) : null,
  );
}

/** Columns the text takes on a terminal (CJK characters take two). */
export function displayWidth(text: string): number {
  return stringWidth(text);
}

/**
 * Rows a text takes in a box `width` columns wide, wrapped the way Ink wraps it (wrap-ansi,
 * word by word, long words cut), so a screen can keep to the terminal's height.
 */
export function rowsOf(text: string, width: number): number {
  return text === '' ? 1 : wrapAnsi(printable(text), Math.max(1, width), { trim: false, hard: true }).split('\n').length;
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
export function ChoiceList(props: { options: Choice[]; defaultValue?: string; onSelect: (value: string) => void; isDisabled?: boolean }): React.ReactElement {
  const onChange = useStableCallback(props.onSelect);
  const signature = JSON.stringify(props.options);
  const options = React.useMemo(() => props.options.map((o) => ({ ...o, label: printable(o.label) })), [signature]);
  const scope = React.useContext(InputScopeContext);
  return h(Select, { options, onChange, isDisabled: Boolean(props.isDisabled) || scope.blocked, ...(props.defaultValue ? { defaultValue: props.defaultValue } : {}) });
}

/** @inkjs/ui's y/N question, quiet while the help panel is open. */
export function Confirm(props: { onConfirm: () => void; onCancel: () => void; defaultChoice?: 'confirm' | 'cancel' }): React.ReactElement {
  const scope = React.useContext(InputScopeContext);
  return h(ConfirmInput, { defaultChoice: props.defaultChoice ?? 'cancel', onConfirm: props.onConfirm, onCancel: props.onCancel, isDisabled: scope.blocked });
}
