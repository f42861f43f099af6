// The local lab (src/lab labUp): first what it will start (VMs, their memory, where it keeps
// them) and a yes, then its progress messages, or why it could not start.
import React from 'react';
import { Box } from 'ink';
import { Spinner } from '@inkjs/ui';
import { t } from '../../../src/i18n/translate.ts';
import { runbookCommand } from '../hints.ts';
import type { WizardState } from '../state.ts';
import { Confirm, Frame, Text, colour, fit, h, useKeys, useTerminalSize } from '../ui.ts';

export interface LabProps {
  state: WizardState;
  onStart: () => void;
  onBack: () => void;
}

const gb = (mb: number) => (mb / 1024).toFixed(1).replace(/\.0$/, '');

function LabQuestion(props: LabProps): React.ReactElement {
  const plan = props.state.labPlan;
  const { columns } = useTerminalSize();
  const width = Math.min(columns, 120);
  useKeys((_input, key) => key.escape && props.onBack());
  if (!plan) return h(Spinner, { label: t('Looking at this machine…') });
  const total = plan.memoryMb * plan.machines.length;
  const short = plan.availableMb < total;
  return h(
    Box,
    { flexDirection: 'column' },
    h(
      Text,
      null,
      t('This starts {count} VM(s) ({names}) with {memory} MB ({gb} GB) of memory each: {total} MB in all.', {
        count: plan.machines.length,
        names: plan.machines.join(', '),
        memory: plan.memoryMb,
        gb: gb(plan.memoryMb),
        total,
      }),
    ),
    h(Text, { color: short ? colour('yellow') : undefined }, t('This machine has {available} MB available now.', { available: plan.availableMb })),
    short ? h(Text, { color: colour('yellow') }, t('! That is less than the VMs need: they may fail to start, or make this machine swap.')) : null,
    h(Text, { dimColor: true }, fit(t('Disks, keys and logs go to {dir}; `{command}` stops it.', { dir: plan.dir, command: runbookCommand('lab down') }), width * 2)),
    h(Text, { dimColor: true }, t('The first start builds a Debian 12 image from the package archive: minutes.')),
    h(Box, { marginTop: 1 }, h(Text, { bold: true }, t('Start the lab? ')), h(Confirm, { onConfirm: props.onStart, onCancel: props.onBack })),
  );
}

export function LabScreen(props: LabProps): React.ReactElement {
  const { state } = props;
  const { columns, rows } = useTerminalSize();
  const asking = state.labPhase === 'confirm';
  useKeys((_input, key) => key.escape && state.labError !== undefined && props.onBack(), { isActive: !asking });
  const lines = state.labMessages.slice(-Math.max(3, rows - 9));
  return h(
    Frame,
    {
      title: t('Local lab'),
      keys: asking ? t('Y start · N or Esc back') : state.labError ? t('Esc back') : t('starting the lab VMs (the first time builds a Debian image: minutes)'),
    },
    h(Text, null, t('Debian 12 VMs on the runbook\'s network, in a network namespace of their own.')),
    asking
      ? h(Box, { marginTop: 1, flexDirection: 'column' }, h(LabQuestion, props))
      : h(
          Box,
          { flexDirection: 'column', marginTop: 1 },
          ...lines.map((l, i) => h(Text, { key: i, dimColor: true }, fit(l, columns))),
          state.labError ? h(Text, { color: colour('red') }, `✖ ${state.labError}`) : h(Spinner, { label: t('Starting the lab…') }),
        ),
  );
}
