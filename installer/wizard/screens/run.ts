// Screen 6: the run. Progress by machine and by chapter, elapsed time, the tail of the
// current output, L for the full log; Ctrl-C asks before stopping (handled in app.ts).
import React from 'react';
import { Box, Text, useInput } from 'ink';
import { ConfirmInput, ProgressBar, Spinner } from '@inkjs/ui';
import { t } from '../../../src/i18n/translate.ts';
import { chapterCounts, formatElapsed, machineCounts } from '../progress.ts';
import type { WizardState } from '../state.ts';
import { HostKeyQuestion } from './connect.ts';
import { Frame, StatusMark, colour, fit, h, useTerminalSize, pad } from '../ui.ts';

export interface RunProps {
  state: WizardState;
  resumeCommand: string;
  onStopAnswer: (stop: boolean) => void;
  onAnswer: (ok: boolean) => void;
  onQuit: () => void;
}

function useTick(active: boolean): void {
  const [, setTick] = React.useState(0);
  React.useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setTick((n) => n + 1), 1000);
    return () => clearInterval(timer);
  }, [active]);
}

export function RunScreen(props: RunProps): React.ReactElement {
  const { state } = props;
  const plan = state.plan!;
  const run = state.run;
  const { columns, rows } = useTerminalSize();
  const width = Math.min(columns, 120);
  const [fullLog, setFullLog] = React.useState(false);
  const [scroll, setScroll] = React.useState(0);
  const stopped = run.result === 'interrupted' || state.runError !== undefined;
  useTick(!run.result);
  useInput(
    (input, key) => {
      if (input.toLowerCase() === 'l') {
        setFullLog((v) => !v);
        setScroll(0);
      } else if (fullLog && key.upArrow) setScroll((s) => Math.min(run.tail.length, s + 1));
      else if (fullLog && key.downArrow) setScroll((s) => Math.max(0, s - 1));
      else if (stopped && input.toLowerCase() === 'q') props.onQuit();
    },
    { isActive: !state.stopAsked && !state.hostKeyQuestion },
  );

  const elapsed = formatElapsed((run.result ? Date.now() : Date.now()) - run.startedAt);
  const total = run.total || 1;
  const percent = Math.round((run.finished / total) * 100);
  const tailLine = (l: { host: string; line: string }, i: number) => h(Text, { key: i, wrap: 'truncate-end' }, `${pad(l.host, 10)} ${l.line}`);

  const stopDialog = state.stopAsked
    ? h(
        Box,
        { borderStyle: 'round', paddingX: 1, flexDirection: 'column' },
        h(Text, null, t('Running steps finish first; Ctrl-C again cuts them off.')),
        h(
          Box,
          null,
          h(Text, { bold: true }, t('Stop the installation? ')),
          h(ConfirmInput, { defaultChoice: 'cancel', onConfirm: () => props.onStopAnswer(true), onCancel: () => props.onStopAnswer(false) }),
        ),
      )
    : null;

  if (fullLog) {
    const room = Math.max(4, rows - 7 - (state.stopAsked ? 4 : 0));
    const end = run.tail.length - scroll;
    const lines = run.tail.slice(Math.max(0, end - room), end);
    return h(
      Frame,
      { title: t('Output'), keys: t('↑↓ scroll · L back to progress') },
      ...lines.map(tailLine),
      lines.length === 0 ? h(Text, { dimColor: true }, t('(no output yet)')) : null,
      h(Text, { dimColor: true }, fit(t('Every step\'s full log: {dir}', { dir: `${plan.siteFile.replace(/[^/]*$/, '')}.runbook/logs/` }), width)),
      stopDialog,
    );
  }

  const machines = machineCounts(plan, run);
  const chapters = chapterCounts(plan, run);
  const firstOpen = Math.max(0, chapters.findIndex((c) => c.done < c.total));
  const chapterRoom = Math.max(2, Math.min(6, rows - machines.length - 14));
  const chapterStart = Math.max(0, Math.min(firstOpen - 1, chapters.length - chapterRoom));
  const tailRoom = Math.max(2, rows - machines.length - Math.min(chapterRoom, chapters.length) - 12);

  const machineLine = (m: (typeof machines)[number]) => {
    const current = run.current[m.name];
    const mark = current ? h(Spinner, { label: '' }) : h(StatusMark, { mark: m.failed > 0 ? 'failed' : m.done === m.total ? 'ok' : 'waiting' });
    const what = current ? `${current.title} (${formatElapsed(Date.now() - current.since)})` : m.done === m.total ? t('done') : '';
    return h(
      Box,
      { key: m.name },
      h(Box, { width: 9 }, mark),
      h(Text, { bold: true }, pad(fit(m.name, 14), 15)),
      h(Text, null, `${m.done}/${m.total}`.padStart(7), ' '),
      h(Text, { dimColor: !current, wrap: 'truncate-end' }, fit(what, Math.max(10, width - 33))),
    );
  };
  const chapterLine = (c: (typeof chapters)[number]) =>
    h(
      Box,
      { key: c.name },
      h(Box, { width: 11 }, h(StatusMark, { mark: c.failed > 0 ? 'failed' : c.done === c.total ? 'ok' : c.running ? 'running' : 'waiting' })),
      h(Text, null, pad(fit(c.name, width - 22), Math.max(1, width - 22))),
      h(Text, null, `${c.done}/${c.total}`.padStart(9)),
    );

  return h(
    Frame,
    { title: t('Installing'), keys: stopped ? t('Q quit') : t('L full output · Ctrl-C stop') },
    h(
      Box,
      null,
      h(Text, null, `${t('Elapsed {time}', { time: elapsed })}  ${run.finished}/${run.total}  `),
      h(Box, { width: Math.max(10, width - 34) }, h(ProgressBar, { value: percent })),
      h(Text, null, ` ${percent}%`),
    ),
    h(Box, { flexDirection: 'column', marginTop: 1 }, ...machines.map(machineLine)),
    h(Box, { flexDirection: 'column', marginTop: 1 }, ...chapters.slice(chapterStart, chapterStart + chapterRoom).map(chapterLine)),
    h(Box, { flexDirection: 'column', marginTop: 1 }, ...run.tail.slice(-tailRoom).map(tailLine)),
    state.hostKeyQuestion ? h(HostKeyQuestion, { ...state.hostKeyQuestion, onAnswer: props.onAnswer }) : null,
    stopDialog,
    state.runError ? h(Text, { color: colour('red') }, `✖ ${state.runError}`) : null,
    stopped
      ? h(
          Box,
          { flexDirection: 'column' },
          h(Text, { bold: true, color: colour('yellow') }, t('Stopped. Resume later with')),
          h(Text, null, `  ${props.resumeCommand}`),
        )
      : null,
  );
}
