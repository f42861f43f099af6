// Screen 2: the few things the runbook leaves open, checked as typed with the same checks and
// messages as `runbook check`, written to the site file (comments kept) on the way out.
import { isDeepStrictEqual } from 'node:util';
import React from 'react';
import { Box } from 'ink';
import { Spinner } from '@inkjs/ui';
import type { Problem } from '../../../src/diagnostics.ts';
import { t } from '../../../src/i18n/translate.ts';
import { FIELDS, applyValues, formProblems, problemsFor, type FieldKey, type FormValues } from '../site-form.ts';
import { Confirm, Frame, ProblemLine, Text, TextField, colour, displayWidth, fit, h, pad, useKeys, useTerminalSize } from '../ui.ts';

export interface SiteScreenProps {
  file: string;
  /** The text the form edits (existing file, or the template). */
  baseText: string;
  initial: FormValues;
  /** Problems that stopped the plan last time (runbook or site), if any. */
  planProblems: Problem[];
  check: (text: string) => Promise<{ errors: Problem[]; warnings: Problem[] }>;
  onSave: (text: string) => void;
  onBack: () => void;
  busy?: boolean;
  /** A preview: nothing is written, the form's values only go into the plan. */
  preview?: boolean;
  /** The form starts from the defaults over a file it could not read: saving sets that aside. */
  replacing?: boolean;
}

/** Keys a text field knows, for the help panel. */
function editingKeys(): string[] {
  return [
    t('←→ Home End, Ctrl-A Ctrl-E: move in the field'),
    t('Backspace Delete, Ctrl-W: delete a character, the word before the cursor'),
    t('Ctrl-U, Ctrl-K: delete to the start, to the end of the field'),
  ];
}

export function SiteScreen(props: SiteScreenProps): React.ReactElement {
  const { columns, rows } = useTerminalSize();
  // Labels as wide as the widest (translated) one needs, within reason.
  const LABEL = Math.min(24, Math.max(...FIELDS.map((f) => displayWidth(f.label()))) + 3);
  const [values, setValues] = React.useState<FormValues>(props.initial);
  const [focus, setFocus] = React.useState(0);
  const [checked, setChecked] = React.useState<{ text: string; errors: Problem[]; warnings: Problem[] } | undefined>();
  /** Ctrl-S pressed: save once the latest text is rendered and checked. */
  const [saveWanted, setSaveWanted] = React.useState(false);
  const [tried, setTried] = React.useState(false);
  /** Esc with edits: the "discard them?" question is open. */
  const [leaving, setLeaving] = React.useState(false);
  const edited = !isDeepStrictEqual(values, props.initial);
  const sequence = React.useRef(0);

  // Each field's changes go to that field, whatever has the focus by the time they land.
  const onFieldChange = (k: FieldKey) => (v: string) => setValues((old) => (old[k] === v ? old : { ...old, [k]: v }));
  const text = React.useMemo(() => applyValues(props.baseText, values), [props.baseText, values]);
  React.useEffect(() => {
    const mine = ++sequence.current;
    void props.check(text).then((result) => {
      if (mine === sequence.current) setChecked({ text, ...result });
    });
  }, [text]);
  const current = checked?.text === text;

  const errors = [...(checked?.errors ?? []), ...formProblems(values, props.file)];
  const warnings = checked?.warnings ?? [];
  const fieldErrors = (i: number) => problemsFor(FIELDS[i]!.key, errors);

  // Saving always waits for a render: a key that arrives with the last typed characters (one
  // chunk from the terminal) must save what they typed, and the check of that text must be in.
  const save = () => {
    setTried(true);
    setSaveWanted(true);
  };

  React.useEffect(() => {
    if (!saveWanted || !current) return;
    setSaveWanted(false);
    if (errors.length > 0) {
      const first = FIELDS.findIndex((_, i) => fieldErrors(i).length > 0);
      if (first >= 0) setFocus(first);
      return;
    }
    props.onSave(text);
  }, [saveWanted, current, text]);

  useKeys(
    (input, key) => {
      if (key.upArrow || (key.shift && key.tab)) setFocus((f) => Math.max(0, f - 1));
      else if (key.downArrow || key.tab) setFocus((f) => Math.min(FIELDS.length - 1, f + 1));
      else if (key.escape) {
        if (edited) setLeaving(true);
        else props.onBack();
        // Ctrl-S, alone or at the end of a run of typed bytes that arrived together.
      } else if ((key.ctrl && input === 's') || input.includes('\u0013')) save();
    },
    { isActive: !props.busy && !leaving },
  );
  useKeys((_input, key) => key.escape && setLeaving(false), { isActive: leaving });

  const field = FIELDS[focus]!;
  const here = fieldErrors(focus);
  const hereWarnings = problemsFor(field.key, warnings);
  // Rows left for fields once the messages below them are counted (a problem takes two).
  const messageLines =
    1 + (here.length > 0 ? 2 : hereWarnings.length > 0 ? 1 : 0) + (tried && errors.length > 0 ? 1 : 0) +
    (here.length === 0 && errors.length > 0 ? 2 : 0) + Math.min(2, props.planProblems.length) * 2 + (props.busy ? 1 : 0) +
    (leaving ? 1 : 0) + (props.preview || props.replacing ? 1 : 0);
  const visible = Math.max(4, Math.min(FIELDS.length, rows - 7 - messageLines));
  const start = Math.min(Math.max(0, focus - Math.floor(visible / 2)), FIELDS.length - visible);
  const valueWidth = Math.max(10, Math.min(columns, 120) - LABEL - 6);

  const rowsShown = FIELDS.slice(start, start + visible).map((f, offset) => {
    const i = start + offset;
    const bad = fieldErrors(i).length > 0;
    const mark = bad ? h(Text, { color: colour('red') }, '✖') : h(Text, null, ' ');
    const label = h(Text, { bold: i === focus }, `${i === focus ? '›' : ' '} ${pad(fit(f.label(), LABEL - 2), LABEL - 2)}`);
    const value =
      i === focus && !props.busy
        ? h(TextField, {
            key: f.key,
            defaultValue: values[f.key],
            width: valueWidth,
            isDisabled: leaving,
            onChange: onFieldChange(f.key),
            onSubmit: () => (i === FIELDS.length - 1 ? save() : setFocus(i + 1)),
          })
        : h(Text, { dimColor: values[f.key] === '' }, fit(values[f.key] || t('(empty)'), valueWidth));
    return h(Box, { key: f.key }, mark, label, h(Text, null, ' '), value);
  });

  return h(
    Frame,
    {
      title: t('Site'),
      keys: leaving
        ? t('Y discard the changes · N or Esc keep editing')
        : props.preview
          ? t('↑↓ move · Enter next field · Ctrl-S see the plan · Esc back')
          : t('↑↓ move · Enter next field · Ctrl-S save and go on · Esc back'),
      help: editingKeys(),
    },
    h(Text, { dimColor: true }, fit(t('Site file: {file}', { file: props.file }), columns)),
    props.preview
      ? h(Text, { dimColor: true }, fit(t('Preview: your changes go into the plan only; the file is not written.'), columns))
      : props.replacing
        ? h(Text, { color: colour('yellow') }, fit(t('Starting from the defaults: saving keeps the old file as {file}.broken.', { file: props.file }), columns * 2))
        : null,
    ...rowsShown,
    h(Box, { marginTop: 1, flexDirection: 'column' },
      h(Text, { dimColor: true }, fit(field.help(), Math.min(columns, 120))),
      ...here.slice(0, 1).map((p, i) => h(ProblemLine, { key: `e${i}`, message: p.message, fix: p.fix })),
      ...(here.length === 0 ? hereWarnings.slice(0, 1).map((p, i) => h(Text, { key: `w${i}`, color: colour('yellow') }, `! ${p.message}`)) : []),
      tried && errors.length > 0
        ? h(Text, { color: colour('red') }, t('{count} problem(s) to fix before going on (marked ✖).', { count: errors.length }))
        : null,
      // Nothing wrong here, but elsewhere (a gateway moved into a range marks the range):
      // show the first such problem with its field, so the cause of a ✖ is never hidden.
      ...(here.length === 0 ? [...errors.filter((p) => !here.includes(p))].slice(0, 1) : []).map((p, i) =>
        h(ProblemLine, { key: `o${i}`, field: p.field ?? `${p.file}:${p.line}`, message: p.message, fix: p.fix }),
      ),
      ...props.planProblems.slice(0, 2).map((p, i) => h(ProblemLine, { key: `p${i}`, field: p.field ?? `${p.file}:${p.line}`, message: p.message, fix: p.fix })),
      props.busy ? h(Spinner, { label: props.preview ? t('Reading the runbook…') : t('Saving the site file and reading the runbook…') }) : null,
      leaving
        ? h(
            Box,
            null,
            h(Text, { bold: true }, t('Discard your changes and go back? ')),
            h(Confirm, { onConfirm: props.onBack, onCancel: () => setLeaving(false) }),
          )
        : null,
    ),
  );
}
