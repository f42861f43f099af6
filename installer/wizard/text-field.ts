// A one-line text field that edits as a terminal does (./text-edit.ts): control keys edit or
// do nothing, never land in the value. @inkjs/ui's TextInput types every key it does not know
// (Ctrl-S becomes "s", a held Backspace DEL bytes), hence this small field of our own.
import React from 'react';
import { Text } from 'ink';
import stringWidth from 'string-width';
import { InputScopeContext, useRawInput } from './input.ts';
import { printable } from './printable.ts';
import { applyInput, type EditState } from './text-edit.ts';

export interface TextFieldProps {
  defaultValue?: string;
  onChange?: (value: string) => void;
  onSubmit?: (value: string) => void;
  isDisabled?: boolean;
  /** Columns the field may take; a longer value scrolls to keep the cursor in view. */
  width?: number;
}

/** The part of the value that fits `width` columns with the cursor (one column) in view. */
export function visibleWindow(chars: string[], cursor: number, width: number): { start: number; end: number } {
  const w = (from: number, to: number) => stringWidth(chars.slice(from, to).join(''));
  let start = 0;
  while (start < cursor && w(start, cursor) + 1 > width) start++;
  let end = start;
  while (end < chars.length && w(start, end + 1) + (end + 1 > cursor ? 0 : 1) <= width) end++;
  return { start, end };
}

export function TextField(props: TextFieldProps): React.ReactElement {
  const scope = React.useContext(InputScopeContext);
  const active = !props.isDisabled && !scope.blocked;
  const initial = props.defaultValue ?? '';
  const [state, setState] = React.useState<EditState>(() => ({ value: initial, cursor: [...initial].length }));
  const latest = React.useRef(state);
  React.useEffect(() => {
    if (!active) return;
    scope.typing.current++;
    return () => {
      scope.typing.current--;
    };
  }, [active, scope]);
  useRawInput((sequence) => {
    const before = latest.current;
    const next = applyInput(before, sequence);
    latest.current = { value: next.value, cursor: next.cursor };
    setState(latest.current);
    if (next.value !== before.value) props.onChange?.(next.value);
    if (next.submit) props.onSubmit?.(next.value);
  }, active);

  const chars = [...printable(state.value)];
  // Escaped control characters take more than one column: place the cursor by the escaped text.
  const cursor = [...printable([...state.value].slice(0, state.cursor).join(''))].length;
  if (!active) return React.createElement(Text, null, chars.join(''));
  const { start, end } = visibleWindow(chars, cursor, Math.max(2, props.width ?? 1000));
  const before = chars.slice(start, cursor).join('');
  const under = chars[cursor] ?? ' ';
  const after = chars.slice(cursor + 1, end).join('');
  return React.createElement(Text, null, before, React.createElement(Text, { inverse: true }, under), after);
}
