// Screen 6: the run. Progress by machine and by chapter, what a long step waits for (the
// executor's step-progress events) and for how long, the tail of the current output, L for the
// full log; Ctrl-C asks how to stop (after the running steps, or now), handled in app.ts.
import React from 'react';
import { Box } from 'ink';
import { ProgressBar, Spinner } from '@inkjs/ui';
import { t } from '../../../src/i18n/translate.ts';
import { chapterCounts, formatElapsed, machineCounts, waitedMs } from '../progress.ts';
import type { WizardState } from '../state.ts';
import { HostKeyQuestion } from './connect.ts';
import { ChoiceList, Frame, StatusMark, Text, colour, displayWidth, fit, h, pad, rowsOf, useKeys, useTerminalSize } from '../ui.ts';

export interface RunProps {
  state: WizardState;
  resumeCommand: string;
  onStopAnswer: (how: 'after' | 'now' | 'keep') => void;
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

/** Rows the stop question takes: a border, a line, three choices, a border. */
const STOP_QUESTION_ROWS = 6;

function StopQuestion(props: { onAnswer: (how: 'after' | 'now' | 'keep') => void }): React.ReactElement {
  return h(
    Box,
    { borderStyle: 'round', paddingX: 1, flexDirection: 'column' },
    h(Text, { bold: true }, t('Stop the installation?')),
    h(ChoiceList, {
      options: [
        { value: 'after', label: t('Stop after the running step(s) finish') },
        { value: 'now', label: t('Stop now: cut the running step(s) off (they run again on resume)') },
        { value: 'keep', label: t('Keep going') },
      ],
      onSelect: (value: string) => props.onAnswer(value as 'after' | 'now' | 'keep'),
    }),
  );
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
  useKeys(
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
  useKeys((_input, key) => key.escape && props.onStopAnswer('keep'), { isActive: state.stopAsked });

  const now = Date.now();
  const elapsed = formatElapsed(run.result && state.summary ? state.summary.ms : now - run.startedAt);
  const total = run.total || 1;
  const percent = Math.round((run.finished / total) * 100);
  const tailLine = (l: { host: string; line: string }, i: number) => h(Text, { key: i, wrap: 'truncate-end' }, `${pad(l.host, 10)} ${l.line}`);
  const stopQuestion = state.stopAsked ? h(StopQuestion, { onAnswer: props.onStopAnswer }) : null;
  const keys = stopped
    ? t('Q quit')
    : state.stopAsked
      ? t('↑↓ choose · Enter confirm · Esc keep going · Ctrl-C stop now')
      : state.stopping === 'after'
        ? t('L full output · Ctrl-C stop now')
        : t('L full output · Ctrl-C stop');

  if (fullLog) {
    const room = Math.max(4, rows - 7 - (state.stopAsked ? STOP_QUESTION_ROWS : 0));
    const end = run.tail.length - scroll;
    const lines = run.tail.slice(Math.max(0, end - room), end);
    return h(
      Frame,
      { title: t('Output'), keys: state.stopAsked ? keys : t('↑↓ scroll · L back to progress') },
      ...lines.map(tailLine),
      lines.length === 0 ? h(Text, { dimColor: true }, t('(no output yet)')) : null,
      h(Text, { dimColor: true }, fit(t('Every step\'s full log: {dir}', { dir: `${plan.siteFile.replace(/[^/]*$/, '')}.runbook/logs/` }), width)),
      stopQuestion,
    );
  }

  const machines = machineCounts(plan, run);
  const chapters = chapterCounts(plan, run);
  const waitText = (wait: { text: string; elapsedMs: number; at: number }) =>
    t('waiting {time}: {what}', { what: wait.text, time: formatElapsed(waitedMs(wait, now)) });
  // The wait of a machine's running step (an older step's wait is over).
  const waitOf = (name: string) => {
    const current = run.current[name];
    return current && run.waits[name]?.id === current.id ? run.waits[name] : undefined;
  };
  // A wait takes a line under its machine, two when the text needs them (never more: the box
  // is that high and hides the rest, whatever the word wrapping does with the text).
  const waitWidth = Math.max(20, width - 11);
  const waitHeight = (wait: Parameters<typeof waitText>[0]) => Math.min(2, rowsOf(fit(waitText(wait), waitWidth * 2), waitWidth));
  const waitRows = machines.reduce((n, m) => {
    const wait = waitOf(m.name);
    return n + (wait ? waitHeight(wait) : 0);
  }, 0);
  const cutOff = state.summary?.failures.filter((f) => state.cutOff.includes(`${f.id}@${f.host}`)) ?? [];
  // Rows the optional parts below the tables take, so the frame keeps to the terminal's height.
  const extra =
    waitRows + (state.stopAsked ? STOP_QUESTION_ROWS : 0) + (state.hostKeyQuestion ? 7 : 0) +
    (stopped ? 2 + Math.min(1, cutOff.length) : state.stopping ? 1 : 0) + (state.runError ? 1 : 0);
  const firstOpen = Math.max(0, chapters.findIndex((c) => c.done < c.total));
  const chapterRoom = Math.max(2, Math.min(6, rows - machines.length - 14));
  const chapterStart = Math.max(0, Math.min(firstOpen - 1, chapters.length - chapterRoom));
  const tailRoom = Math.max(1, rows - machines.length - Math.min(chapterRoom, chapters.length) - 12 - extra);
  const nameWidth = Math.min(Math.max(8, ...machines.map((m) => displayWidth(m.name))) + 1, Math.max(10, width - 40));

  const machineLine = (m: (typeof machines)[number]) => {
    const current = run.current[m.name];
    const wait = waitOf(m.name);
    const mark = current ? h(Spinner, { label: '' }) : h(StatusMark, { mark: m.failed > 0 ? 'failed' : m.done === m.total ? 'ok' : 'waiting' });
    const what = current ? `${current.title} (${formatElapsed(now - current.since)})` : m.done === m.total ? t('done') : '';
    const indent = 9 + nameWidth + 8;
    return h(
      Box,
      { key: m.name, flexDirection: 'column' },
      h(
        Box,
        null,
        h(Box, { width: 9 }, mark),
        h(Text, { bold: true }, pad(fit(m.name, nameWidth - 1), nameWidth)),
        h(Text, null, `${m.done}/${m.total}`.padStart(7), ' '),
        h(Text, { dimColor: !current, wrap: 'truncate-end' }, fit(what, Math.max(10, width - indent))),
      ),
      wait
        ? h(
            Box,
            { marginLeft: 11, width: waitWidth, height: waitHeight(wait), overflowY: 'hidden' },
            h(Text, { color: colour('cyan') }, fit(waitText(wait), waitWidth * 2)),
          )
        : null,
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
    { title: t('Installing'), keys },
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
    stopQuestion,
    !stopped && state.stopping
      ? h(
          Text,
          { color: colour('yellow') },
          state.stopping === 'now' ? t('Stopping now: cutting the running steps off…') : t('Stopping after the running step(s) finish… (Ctrl-C: stop now)'),
        )
      : null,
    state.runError ? h(Text, { color: colour('red'), wrap: 'truncate-end' }, fit(`✖ ${state.runError}`, width)) : null,
    stopped
      ? h(
          Box,
          { flexDirection: 'column' },
          h(Text, { bold: true, color: colour('yellow') }, t('Interrupted: nothing more runs. Resume with')),
          h(Text, null, `  ${props.resumeCommand}`),
          cutOff.length > 0
            ? h(Text, { dimColor: true, wrap: 'truncate-end' }, fit(t('Cut off, and run again on resume: {steps}', { steps: cutOff.map((f) => `${f.id} (${f.host})`).join(', ') }), width))
            : null,
        )
      : null,
  );
}
