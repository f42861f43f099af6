// The last three screens: the summary of every answer (the one place the install starts
// from), the install with its stages and a log view (L), and the end: restart into the
// installed system, or what failed and where the whole log is.
import React from 'react';
import { Box, Text, useInput } from 'ink';
import { ProgressBar, Spinner } from '@inkjs/ui';
import { t } from '../../../../src/i18n/translate.ts';
import { STAGES, type StageId } from '../../engine.ts';
import { humanSize } from '../../disks.ts';
import type { Layout } from '../../layout.ts';
import { INSTALL_LOG } from '../../target-files.ts';
import { Frame, StatusMark, colour, fit, h, pad, useTerminalSize } from '../../../wizard/ui.ts';
import { Pick } from './pick.ts';
import type { ScreenName, StageState } from '../state.ts';

export interface SummaryLine {
  label: string;
  value: string;
  /** Which question changes it; none: it cannot be changed here. */
  screen?: ScreenName;
}

export function SummaryScreen(props: {
  step: string;
  lines: SummaryLine[];
  diskPath: string;
  onInstall: () => void;
  onChange: (screen: ScreenName) => void;
}): React.ReactElement {
  const { columns } = useTerminalSize();
  const width = Math.min(columns, 120);
  const labelWidth = Math.min(16, Math.max(...props.lines.map((l) => l.label.length)) + 1);
  const changes = [
    ...new Map(props.lines.filter((l) => l.screen).map((l) => [l.screen, l])).values(),
  ];
  return h(
    Frame,
    { title: t('Ready to install'), step: props.step, keys: t('↑↓ choose · Enter go on') },
    ...props.lines.map((l, i) =>
      h(
        Box,
        { key: i },
        h(Text, { bold: true }, pad(l.label, labelWidth)),
        h(Text, null, fit(l.value, width - labelWidth - 1)),
      ),
    ),
    h(Box, { marginTop: 1 }),
    h(Pick, {
      options: [
        { value: 'install', label: t('Install now (erases {path})', { path: props.diskPath }) },
        ...changes.map((l) => ({
          value: l.screen!,
          label: t('Change: {what}', { what: l.label.replace(/:$/, '') }),
        })),
      ],
      onSelect: (v) => (v === 'install' ? props.onInstall() : props.onChange(v as ScreenName)),
    }),
  );
}

/** "root 16 GiB, swap 2 GiB, primary 21 GiB at /export/primary". */
export function describeLayout(layout: Layout): string {
  return layout.volumes
    .map(
      (v) =>
        `${v.name} ${humanSize(v.bytes)}${v.mount && v.mount !== '/' ? ` ${t('at {path}', { path: v.mount })}` : ''}`,
    )
    .join(', ');
}

function stageMark(state: StageState | undefined): React.ReactElement {
  if (state === 'running') return h(Spinner, { label: '' });
  return h(StatusMark, {
    mark: state === 'done' ? 'ok' : state === 'failed' ? 'failed' : 'waiting',
  });
}

export function InstallScreen(props: {
  hostname: string;
  stages: Partial<Record<StageId, StageState>>;
  percent: number;
  log: string[];
  error?: string;
  onRetry: () => void;
}): React.ReactElement {
  const { rows, columns } = useTerminalSize();
  const width = Math.min(columns, 120);
  const [fullLog, setFullLog] = React.useState(false);
  const [scroll, setScroll] = React.useState(0);
  useInput((input, key) => {
    if (input.toLowerCase() === 'l') {
      setFullLog((v) => !v);
      setScroll(0);
    } else if (fullLog && key.upArrow) setScroll((s) => Math.min(props.log.length, s + 1));
    else if (fullLog && key.downArrow) setScroll((s) => Math.max(0, s - 1));
    else if (props.error && key.return) props.onRetry();
  });
  const logLines = (room: number) => {
    const end = props.log.length - scroll;
    return props.log
      .slice(Math.max(0, end - room), end)
      .map((line, i) =>
        h(Text, { key: i, wrap: 'truncate-end', dimColor: !fullLog }, fit(line, width)),
      );
  };
  const failedKeys = t('L log · Enter back to the summary');
  if (fullLog)
    return h(
      Frame,
      { title: t('Install log'), keys: t('↑↓ scroll · L back to progress') },
      ...logLines(Math.max(4, rows - 6)),
      h(Text, { dimColor: true }, fit(t('The whole log: {file}', { file: INSTALL_LOG }), width)),
    );
  const stageLines = STAGES.map((s) =>
    h(
      Box,
      { key: s.id },
      h(Box, { width: 11 }, stageMark(props.stages[s.id])),
      h(Text, null, s.title()),
      s.id === 'system' && props.stages.system === 'running'
        ? h(Text, null, `  ${props.percent}%`)
        : null,
    ),
  );
  const doneCount = STAGES.filter((s) => props.stages[s.id] === 'done').length;
  return h(
    Frame,
    {
      title: t('Installing {name}', { name: props.hostname }),
      keys: props.error ? failedKeys : t('L log'),
    },
    h(
      Box,
      { width: Math.max(10, width - 2) },
      h(ProgressBar, { value: Math.round((doneCount / STAGES.length) * 100) }),
    ),
    ...stageLines,
    props.error
      ? h(
          Box,
          { flexDirection: 'column', marginTop: 1 },
          h(Text, { color: colour('red') }, fit(`✖ ${props.error.split('\n')[0]}`, width)),
          h(
            Text,
            null,
            fit(
              t('The whole log is in {log}; a shell is on the second console (Alt+F2).', {
                log: INSTALL_LOG,
              }),
              width,
            ),
          ),
        )
      : h(
          Box,
          { flexDirection: 'column', marginTop: 1 },
          ...logLines(Math.max(2, rows - STAGES.length - 8)),
        ),
  );
}

export function DoneScreen(props: {
  hostname: string;
  address: string;
  onRestart: () => void;
}): React.ReactElement {
  useInput((_input, key) => {
    if (key.return) props.onRestart();
  });
  return h(
    Frame,
    { title: t('Installed'), keys: t('Enter restart') },
    h(Text, { color: colour('green') }, t('✔ {name} is installed.', { name: props.hostname })),
    h(
      Box,
      { marginTop: 1, flexDirection: 'column' },
      h(
        Text,
        null,
        t(
          'Take the installer medium out, or leave it in: it starts the installed system when it finds one.',
        ),
      ),
      h(
        Text,
        null,
        t('After the restart: ssh root@{address} with your key.', { address: props.address }),
      ),
    ),
  );
}
