// Screen 1: what will be built, the language, and the three ways on.
import React from 'react';
import { Box, Text, useInput } from 'ink';
import { Spinner } from '@inkjs/ui';
import { t } from '../../../src/i18n/translate.ts';
import { siteDiagram } from '../diagram.ts';
import type { Languages } from '../services.ts';
import type { Mode, WizardState } from '../state.ts';
import { ChoiceList, Frame, h, useTerminalSize } from '../ui.ts';

export interface WelcomeProps {
  state: WizardState;
  languages: Languages[];
  onLanguage: (code: string) => void;
  onChoose: (mode: Mode | 'quit') => void;
}

export function Welcome(props: WelcomeProps): React.ReactElement {
  const { state, languages } = props;
  const { columns } = useTerminalSize();
  const [picking, setPicking] = React.useState(false);
  useInput(
    (input) => {
      if (input.toLowerCase() === 'l' && languages.length > 1) setPicking(true);
    },
    { isActive: !picking },
  );
  const current = languages.find((l) => l.code === state.language)?.name ?? 'English';
  const drawing = state.site
    ? h(Box, { flexDirection: 'column' }, ...siteDiagram(state.site, columns).map((line, i) => h(Text, { key: i }, line)))
    : state.siteProblems.length > 0
      ? h(Text, null, t('{file} has {count} problem(s); you can fix them on the next screen.', { file: state.siteFile, count: state.siteProblems.length }))
      : h(Spinner, { label: t('Reading the site file…') });

  const options = [
    { value: 'ssh', label: t('Deploy to my machines over SSH') },
    { value: 'lab', label: t('Try it in a local lab on this machine (VMs)') },
    { value: 'preview', label: t('Preview the plan without touching anything') },
    { value: 'quit', label: t('Quit') },
  ];
  return h(
    Frame,
    { title: t('Welcome'), keys: languages.length > 1 ? t('↑↓ choose · Enter go on · L language') : t('↑↓ choose · Enter go on') },
    h(Text, null, t('Builds Apache CloudStack 4.22 on Debian 12: KVM, NFS storage, advanced zone.')),
    h(Box, { marginY: 1, flexDirection: 'column' }, drawing),
    picking
      ? h(
          Box,
          { flexDirection: 'column' },
          h(Text, { bold: true }, t('Language')),
          h(ChoiceList, {
            options: languages.map((l) => ({ value: l.code, label: l.name })),
            defaultValue: state.language,
            onSelect: (code: string) => {
              setPicking(false);
              props.onLanguage(code);
            },
          }),
        )
      : h(
          Box,
          { flexDirection: 'column' },
          h(Text, null, `${t('Language: {name}', { name: current })}${languages.length > 1 ? '' : ` ${t('(no other translations installed)')}`}`),
          h(Text, { bold: true }, t('How do you want to go on?')),
          h(ChoiceList, { options, onSelect: (value: string) => props.onChoose(value as Mode | 'quit') }),
        ),
  );
}
