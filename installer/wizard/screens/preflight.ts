// Screen 4: the runbook's preflight checks per machine, pass / warn / fail, with the fix for
// each failure. There is no way on past a failure: fix the machine and run the checks again.
import React from 'react';
import { Box } from 'ink';
import { Spinner } from '@inkjs/ui';
import { t } from '../../../src/i18n/translate.ts';
import type { PreflightRow } from '../services.ts';
import type { WizardState } from '../state.ts';
import { HostKeyQuestion } from './connect.ts';
import { Frame, StatusMark, Text, colour, displayWidth, fit, h, pad, useKeys, useTerminalSize } from '../ui.ts';

export interface PreflightProps {
  state: WizardState;
  onContinue: () => void;
  onAgain: () => void;
  onBack: () => void;
  onAnswer: (ok: boolean) => void;
}

export function PreflightScreen(props: PreflightProps): React.ReactElement {
  const { state } = props;
  const { columns, rows } = useTerminalSize();
  const width = Math.min(columns, 120);
  const hosts = state.plan?.machines.map((m) => m.name) ?? [];
  const steps: { id: string; title: string }[] = [];
  for (const row of state.preflight) if (!steps.some((s) => s.id === row.id)) steps.push({ id: row.id, title: row.title });
  const cell = (id: string, host: string) => state.preflight.find((r) => r.id === id && r.host === host);
  const failures = state.preflight.filter((r) => r.status === 'fail');
  const warnings = state.preflight.filter((r) => r.status === 'warn');
  const finished = state.preflightFinished;
  const canGo = finished && failures.length === 0;

  useKeys(
    (input, key) => {
      if (key.return && canGo) props.onContinue();
      else if (input.toLowerCase() === 'r' && finished) props.onAgain();
      else if (key.escape && finished) props.onBack();
    },
    { isActive: !state.hostKeyQuestion },
  );

  // A column per machine, as wide as its name (and "✖ FAIL") needs while the checks keep 30.
  const hostWidth = Math.max(10, Math.min(Math.max(...hosts.map(displayWidth)) + 2, Math.floor((width - 30) / Math.max(1, hosts.length))));
  const titleWidth = Math.max(16, width - hostWidth * hosts.length - 1);
  const header = h(Box, null, h(Text, { bold: true }, pad(t('Check'), titleWidth)), ...hosts.map((name) => h(Text, { key: name, bold: true }, pad(fit(name, hostWidth - 1), hostWidth))));
  const table = steps.map((s) =>
    h(
      Box,
      { key: s.id },
      h(Text, null, pad(fit(s.title, titleWidth - 1), titleWidth)),
      ...hosts.map((host) => {
        const r = cell(s.id, host);
        if (!r) return h(Text, { key: host, dimColor: true }, '–'.padEnd(hostWidth));
        if (r.status === 'running') return h(Box, { key: host, width: hostWidth }, h(Spinner, { label: '' }));
        return h(Box, { key: host, width: hostWidth }, h(StatusMark, { mark: r.status }));
      }),
    ),
  );
  const room = Math.max(2, rows - steps.length - 9);
  const details = [...failures, ...warnings].slice(0, Math.max(1, Math.floor(room / 2)));
  const detail = (r: PreflightRow) =>
    h(
      Box,
      { key: `${r.id}@${r.host}`, flexDirection: 'column' },
      h(Text, { color: colour(r.status === 'fail' ? 'red' : 'yellow') }, fit(`${r.status === 'fail' ? '✖' : '!'} ${r.host}: ${r.message ?? ''}`, width * 2)),
      r.fix ? h(Text, null, fit(`  ${t('Fix:')} ${r.fix}`, width * 2)) : null,
    );
  return h(
    Frame,
    {
      title: t('Preflight checks'),
      keys: !finished ? t('checking… (these steps change nothing)') : canGo ? t('Enter see the plan · R check again') : t('R check again · Esc back'),
    },
    header,
    ...table,
    steps.length === 0 && !finished ? h(Spinner, { label: t('Starting the checks…') }) : null,
    h(Box, { flexDirection: 'column', marginTop: 1 }, ...details.map(detail)),
    state.hostKeyQuestion ? h(HostKeyQuestion, { ...state.hostKeyQuestion, onAnswer: props.onAnswer }) : null,
    finished && failures.length > 0
      ? h(Text, { bold: true, color: colour('red') }, t('{count} check(s) failed. Fix them on the machines, then press R.', { count: failures.length }))
      : null,
    canGo ? h(Text, { color: colour('green') }, t('All checks passed.')) : null,
  );
}
