// Screen 1: what will be built, the language, and the three ways on.
import React from 'react';
import { Box } from 'ink';
import { Spinner } from '@inkjs/ui';
import { t } from '../../../src/i18n/translate.ts';
import { siteDiagram } from '../diagram.ts';
import type { Languages } from '../services.ts';
import type { Mode, WizardState } from '../state.ts';
import { ChoiceList, Frame, Text, h, rowsOf, useKeys, useTerminalSize } from '../ui.ts';

export interface WelcomeProps {
  state: WizardState;
  /** The languages offered; undefined while they are still being looked for. */
  languages: Languages[] | undefined;
  onLanguage: (code: string) => void;
  onChoose: (mode: Mode | 'quit') => void;
}

export function Welcome(props: WelcomeProps): React.ReactElement {
  const { state } = props;
  const languages = props.languages ?? [];
  // Until the catalogs are found, say nothing about them (not "none installed").
  const looked = props.languages !== undefined;
  const { columns } = useTerminalSize();
  const [picking, setPicking] = React.useState(false);
  useKeys(
    (input) => {
      if (input.toLowerCase() === 'l' && languages.length > 1) setPicking(true);
    },
    { isActive: !picking },
  );
  // Esc leaves the language as it was.
  useKeys((_input, key) => key.escape && setPicking(false), { isActive: picking });
  const { rows } = useTerminalSize();
  const current = languages.find((l) => l.code === state.language)?.name ?? (state.language === 'en' ? 'English' : state.language);
  const width = Math.min(columns, 120);
  const intro = t('Builds Apache CloudStack 4.22 on Debian 12: KVM, NFS storage, advanced zone.');
  const lines = state.site ? siteDiagram(state.site, columns) : [];
  const height = (text: string) => rowsOf(text, width);
  // Fit 24 rows whatever the language: drop the intro, then the blank lines, then wrapping.
  const fixed = 2 + 1 + 1 + 6 + 2; // title, language, question, choices, key hints
  const wrapped = lines.reduce((n, l) => n + height(l), 0);
  const showIntro = fixed + height(intro) + wrapped + 2 <= rows;
  const margins = fixed + (showIntro ? height(intro) : 0) + wrapped + 2 <= rows;
  const truncate = fixed + wrapped > rows;
  const drawing = state.site
    ? h(Box, { flexDirection: 'column' }, ...lines.map((line, i) => h(Text, { key: i, ...(truncate ? { wrap: 'truncate-end' as const } : {}) }, line)))
    : state.siteProblems.length > 0
      ? h(Text, null, t('{file} has {count} problem(s); you can fix them on the next screen.', { file: state.siteFile, count: state.siteProblems.length }))
      : h(Spinner, { label: t('Reading the site file…') });

  const options = [
    { value: 'ssh', label: t('Deploy to my machines over SSH') },
    { value: 'lab', label: t('Try it in a local lab on this machine (VMs)') },
    { value: 'preview', label: t('Preview the plan without touching anything') },
    { value: 'check', label: t('Check my cloud: run the checks of finished steps again, re-run what drifted') },
    { value: 'quit', label: t('Quit') },
  ];
  return h(
    Frame,
    {
      title: t('Welcome'),
      keys: picking ? t('↑↓ choose · Enter take this language · Esc keep the language') : languages.length > 1 ? t('↑↓ choose · Enter go on · L language') : t('↑↓ choose · Enter go on'),
    },
    showIntro ? h(Text, null, intro) : null,
    h(Box, { marginY: margins ? 1 : 0, flexDirection: 'column' }, drawing),
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
          h(Text, null, `${t('Language: {name}', { name: current })}${!looked || languages.length > 1 ? '' : ` ${t('(no other translations installed)')}`}`),
          h(Text, { bold: true }, t('How do you want to go on?')),
          h(ChoiceList, { options, onSelect: (value: string) => props.onChoose(value as Mode | 'quit') }),
        ),
  );
}
