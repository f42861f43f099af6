// Screen 7: a step failed. Everything needed to understand it (step, host, command, exit
// code, last lines, log, docs URL) and the ways on: retry, skip where allowed, or quit.
import React from 'react';
import { Box } from 'ink';
import { t } from '../../../src/i18n/translate.ts';
import { canSkip } from '../skip.ts';
import type { WizardState } from '../state.ts';
import { ChoiceList, Frame, Text, colour, displayWidth, fit, h, pad, useTerminalSize } from '../ui.ts';

export interface FailureProps {
  state: WizardState;
  resumeCommand: string;
  onRetry: () => void;
  onSkip: () => void;
  onQuit: () => void;
}

export function FailureScreen(props: FailureProps): React.ReactElement {
  const { state } = props;
  const failure = state.failure!;
  const plan = state.plan!;
  const { columns, rows } = useTerminalSize();
  const width = Math.min(columns, 120);
  const step = plan.steps.find((s) => s.id === failure.id);
  const skip = canSkip(plan, failure.id);
  const more = (state.summary?.failures.length ?? 1) - 1;
  const commandLines = failure.command.split('\n').filter((l) => l.trim() !== '');
  const tailRoom = Math.max(3, rows - 19);
  // The label column is as wide as the widest label and a space (Japanese labels are wider
  // than English ones: "ドキュメント" is 12 columns).
  const labels = [t('Step'), t('Host'), t('Command'), t('Exit code'), t('Error'), t('Log'), t('Docs')];
  const labelWidth = Math.max(10, ...labels.map((l) => displayWidth(l) + 1));
  const field = (label: string, value: string) =>
    h(Box, { key: label }, h(Text, { bold: true }, pad(label, labelWidth)), h(Text, { wrap: 'truncate-end' }, fit(value, width - labelWidth)));
  const options = [
    { value: 'retry', label: t('Retry the step (after fixing the cause)') },
    ...(skip.allowed ? [{ value: 'skip', label: t('Skip it for this run and go on') }] : []),
    { value: 'quit', label: t('Quit (resume later)') },
  ];
  return h(
    Frame,
    { title: t('A step failed'), keys: t('↑↓ choose · Enter confirm') },
    h(Text, { bold: true, color: colour('red') }, fit(`✖ ${step?.title ?? failure.id}`, width)),
    field(t('Step'), failure.id),
    field(t('Host'), failure.host),
    field(t('Command'), commandLines.length > 1 ? `${commandLines[0]} … (${t('{count} lines', { count: commandLines.length })})` : (commandLines[0] ?? '')),
    field(t('Exit code'), failure.exitCode === undefined ? t('none (it did not finish)') : String(failure.exitCode)),
    field(t('Error'), failure.message),
    h(
      Box,
      { flexDirection: 'column', marginY: 1, borderStyle: 'single', paddingX: 1 },
      ...(failure.lastLines.length > 0 ? failure.lastLines.slice(-tailRoom) : [t('(no output)')]).map((l, i) => h(Text, { key: i, wrap: 'truncate-end' }, l)),
    ),
    field(t('Log'), failure.log),
    field(t('Docs'), failure.url),
    more > 0 ? h(Text, { color: colour('yellow') }, t('{count} more step(s) failed on other machines; they are retried with this one.', { count: more })) : null,
    skip.allowed ? null : h(Text, { dimColor: true }, fit(t('Skipping is not offered: {reason}.', { reason: skip.reason }), width)),
    h(ChoiceList, {
      options,
      onSelect: (value: string) => (value === 'retry' ? props.onRetry() : value === 'skip' ? props.onSkip() : props.onQuit()),
    }),
    h(Text, { dimColor: true }, t('To resume later: {command}', { command: props.resumeCommand })),
  );
}
