// The local lab being started (src/lab labUp): its progress messages, or why it could not.
import React from 'react';
import { Box, Text, useInput } from 'ink';
import { Spinner } from '@inkjs/ui';
import { t } from '../../../src/i18n/translate.ts';
import type { WizardState } from '../state.ts';
import { Frame, colour, fit, h, useTerminalSize } from '../ui.ts';

export function LabScreen(props: { state: WizardState; onBack: () => void }): React.ReactElement {
  const { state } = props;
  const { columns, rows } = useTerminalSize();
  useInput((_input, key) => {
    if (key.escape && state.labError) props.onBack();
  });
  const lines = state.labMessages.slice(-Math.max(3, rows - 9));
  return h(
    Frame,
    { title: t('Local lab'), keys: state.labError ? t('Esc back') : t('starting the lab VMs (the first time builds a Debian image: minutes)') },
    h(Text, null, t('Debian 12 VMs on the runbook\'s network, in a network namespace of their own.')),
    h(Box, { flexDirection: 'column', marginTop: 1 }, ...lines.map((l, i) => h(Text, { key: i, dimColor: true }, fit(l, columns)))),
    state.labError
      ? h(Text, { color: colour('red') }, `✖ ${state.labError}`)
      : h(Spinner, { label: t('Starting the lab…') }),
  );
}
