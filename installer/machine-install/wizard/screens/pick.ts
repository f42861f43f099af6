// A list to choose from with ↑↓ and Enter, for the machine installer's screens. Unlike
// @inkjs/ui's Select (whose onChange fires only when the value changes), Enter always answers,
// also on the entry that starts focused: the answer given before, or the safe one ("No,
// choose another disk"), which must work with a single keystroke.
import React from 'react';
import { Box, Text, useInput } from 'ink';
import { colour, h, type Choice } from '../../../wizard/ui.ts';

export function Pick(props: {
  options: Choice[];
  /** The entry focused first and marked ✔ (the current answer). */
  initial?: string;
  /** Mark the initial entry as the current answer (not for a confirmation's safe default). */
  marked?: boolean;
  onSelect: (value: string) => void;
}): React.ReactElement {
  const count = props.options.length;
  const start = Math.max(
    0,
    props.options.findIndex((o) => o.value === props.initial),
  );
  const [focus, setFocus] = React.useState(start);
  useInput(
    (_input, key) => {
      if (key.upArrow) setFocus((f) => (f - 1 + count) % count);
      else if (key.downArrow) setFocus((f) => (f + 1) % count);
      else if (key.return) props.onSelect(props.options[Math.min(focus, count - 1)]!.value);
    },
    { isActive: count > 0 },
  );
  return h(
    Box,
    { flexDirection: 'column' },
    ...props.options.map((o, i) =>
      h(
        Text,
        { key: o.value || `i${i}`, ...(i === focus ? { color: colour('blue') } : {}) },
        `${i === focus ? '❯' : ' '} ${o.label}${props.marked !== false && o.value === props.initial ? ' ✔' : ''}`,
      ),
    ),
  );
}
