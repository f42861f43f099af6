// Screen 3: each machine contacted; first-contact host keys confirmed by the operator (the
// question is the HostKeyQuestion below, shown wherever a connection is made).
import React from 'react';
import { Box } from 'ink';
import { Spinner } from '@inkjs/ui';
import { t } from '../../../src/i18n/translate.ts';
import type { WizardState } from '../state.ts';
import { Confirm, Frame, StatusMark, Text, colour, displayWidth, fit, h, pad, useKeys, useTerminalSize } from '../ui.ts';

export function HostKeyQuestion(props: { host: string; fingerprint: string; target?: string; onAnswer: (ok: boolean) => void }): React.ReactElement {
  return h(
    Box,
    { flexDirection: 'column', borderStyle: 'round', paddingX: 1, marginTop: 1 },
    h(Text, { bold: true }, t('First contact with {host}{target}', { host: props.host, target: props.target ? ` (${props.target})` : '' })),
    h(Text, null, t('Its host key fingerprint is:')),
    h(Text, { bold: true }, `  ${props.fingerprint}`),
    h(Text, null, t('Compare it with `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on the machine.')),
    h(Box, null, h(Text, null, t('Trust this key and record it? ')), h(Confirm, { onConfirm: () => props.onAnswer(true), onCancel: () => props.onAnswer(false) })),
  );
}

export interface ConnectProps {
  state: WizardState;
  onContinue: () => void;
  onRetry: () => void;
  onBack: () => void;
  onAnswer: (ok: boolean) => void;
}

export function ConnectScreen(props: ConnectProps): React.ReactElement {
  const { state } = props;
  const { columns } = useTerminalSize();
  const busy = state.hosts.some((h) => h.state === 'connecting' || h.state === 'waiting');
  const failed = state.hosts.filter((h) => h.state === 'failed');
  const allUp = !busy && failed.length === 0 && state.hosts.length > 0;
  useKeys(
    (input, key) => {
      if (key.return && allUp) props.onContinue();
      else if (input.toLowerCase() === 'r' && !busy && failed.length > 0) props.onRetry();
      else if (key.escape && !busy) props.onBack();
    },
    { isActive: !state.hostKeyQuestion },
  );
  const width = Math.min(columns, 120);
  // Names whole: as wide as the longest, leaving the target at least 20 columns.
  const nameWidth = Math.min(Math.max(8, ...state.hosts.map((x) => displayWidth(x.name))) + 1, Math.max(8, width - 32));
  const rows = state.hosts.map((host) =>
    h(
      Box,
      { key: host.name, flexDirection: 'column' },
      h(
        Box,
        null,
        host.state === 'connecting'
          ? h(Spinner, { label: '' })
          : h(StatusMark, { mark: host.state === 'connected' ? 'ok' : host.state === 'failed' ? 'failed' : 'waiting', width: 10 }),
        h(Text, { bold: true }, ` ${pad(fit(host.name, nameWidth - 1), nameWidth)}`),
        h(Text, { dimColor: true }, fit(host.target, Math.max(10, width - 12 - nameWidth))),
      ),
      host.fingerprint ? h(Text, { dimColor: true }, `    ${t('key recorded: {fingerprint}', { fingerprint: host.fingerprint })}`) : null,
      host.error ? h(Text, { color: colour('red') }, `    ${fit(host.error, width * 2 - 8)}`) : null,
      host.hint ? h(Text, null, `    ${t('Try:')} ${host.hint}`) : null,
      // The fix as a command, never cut: it is meant to be copied.
      host.command ? h(Text, { bold: true }, `      ${host.command}`) : null,
    ),
  );
  const question = state.hostKeyQuestion;
  return h(
    Frame,
    {
      title: t('Connect'),
      keys: allUp ? t('Enter go on to the preflight checks') : failed.length > 0 && !busy ? t('R try again · Esc back to the site') : t('connecting…'),
    },
    h(Text, null, t('Contacting each machine over SSH (host keys are kept in .runbook/known_hosts).')),
    h(Box, { flexDirection: 'column', marginTop: 1 }, ...rows),
    question
      ? h(HostKeyQuestion, {
          host: question.host,
          fingerprint: question.fingerprint,
          target: state.hosts.find((x) => x.name === question.host)?.target,
          onAnswer: props.onAnswer,
        })
      : null,
    allUp ? h(Text, { color: colour('green') }, t('All {count} machine(s) answered.', { count: state.hosts.length })) : null,
  );
}
