// The last screen: the cloud is built. Where to log in, the generated admin password (shown
// only while asked for, and gone from the screen before the wizard ends, so it never stays in
// the terminal's scrollback; it is kept in the state file), the `runbook verify` table, and
// what to do next.
import React from 'react';
import { Box } from 'ink';
import { Spinner } from '@inkjs/ui';
import { t } from '../../../src/i18n/translate.ts';
import { runbookCommand } from '../hints.ts';
import type { WizardState } from '../state.ts';
import { Frame, StatusMark, Text, colour, fit, h, pad, rowsOf, useKeys, useTerminalSize } from '../ui.ts';

export interface DoneProps {
  state: WizardState;
  onQuit: () => void;
}

export function DoneScreen(props: DoneProps): React.ReactElement {
  const { state } = props;
  const info = state.done;
  const summary = state.summary;
  const blocked = summary?.blockedSteps ?? [];
  const { columns, rows } = useTerminalSize();
  const width = Math.min(columns, 120);
  const [revealed, setRevealed] = React.useState(false);
  // Quitting draws the screen once more without the password: that frame stays on the terminal.
  const [quitting, setQuitting] = React.useState(false);
  React.useEffect(() => {
    if (quitting) props.onQuit();
  }, [quitting]);
  useKeys((input, key) => {
    if (key.return || input.toLowerCase() === 'q') {
      setRevealed(false);
      setQuitting(true);
    } else if (input.toLowerCase() === 'p' && info?.adminPassword) setRevealed((r) => !r);
  });
  const showPassword = revealed && !quitting && state.exitCode === undefined;
  const site = { site: state.siteFile };
  const counts = summary
    ? t('{ok} ok, {changed} changed, {skipped} skipped, {blocked} blocked in {time} s', {
        ok: summary.ok, changed: summary.changed, skipped: summary.skipped, blocked: summary.blocked, time: Math.round(summary.ms / 1000),
      })
    : '';
  // "Check my cloud": what the finished steps' checks found this time.
  const recheck = summary?.recheck;
  const recheckText = recheck
    ? t('Checked again: {still} still done, {drifted} drifted and re-run, {unchecked} without a check', {
        still: recheck.stillDone, drifted: recheck.drifted, unchecked: recheck.notCheckable,
      })
    : '';
  const field = (label: string, value: string, bold = false) =>
    h(Box, { key: label }, h(Text, null, pad(label, 16)), h(Text, { bold }, fit(value, width - 16)));
  const keys = info?.adminPassword ? t('P show or hide the password · Enter or Q quit') : t('Enter or Q quit');
  const blockedLines = blocked.slice(0, 3).map((b) => fit(`  ${b.id} (${b.host}): ${b.reason}`, width));
  const skippedText = state.skipped.length > 0 ? t('! You skipped {steps} in this session; the next install runs them again.', { steps: state.skipped.join(', ') }) : '';
  const keptText = info ? t('It is kept in {file} (mode 0600); it leaves the screen when you quit.', { file: info.stateFile }) : '';
  const errorText = info?.verifyError ? fit(t('Could not verify: {error}', { error: info.verifyError }), width * 3) : '';
  const advice = t('Log in, change the password, register an ISO or template, and start a first instance.');
  const commands = t('`{verify}` checks the cloud again; `{status}` shows what ran.', { verify: runbookCommand('verify', site), status: runbookCommand('status', site) });
  // The verify table gets the rows the rest leaves (the texts wrap, paths make them long), so
  // the frame keeps to the terminal's height and its key hints stay on screen. One row less
  // than the terminal: Ink redraws a frame as tall as the terminal by clearing all of it,
  // the operator's scrollback too, and leaves the shell's prompt on the frame's last line.
  const height = rows - 1;
  const checks = info?.verify?.checks ?? [];
  const others =
    2 + // title and rule
    (blocked.length === 0 ? 1 : 1 + blockedLines.length + (blocked.length > 3 ? 1 : 0)) +
    1 + // the counts
    (recheckText ? rowsOf(recheckText, width) : 0) +
    (skippedText ? rowsOf(skippedText, width) : 0) +
    1 + 3 + rowsOf(keptText, width) + // the login fields
    1 + 1 + (errorText ? rowsOf(errorText, width) : 0) + // the verify heading
    1 + 1 + rowsOf(commands, width) + // what to do next
    1 + rowsOf(`${keys} · ${t('? help')}`, width);
  // The advice is the first thing to go when the table would get fewer than three rows.
  const showAdvice = height - others - rowsOf(advice, width) >= Math.min(3, checks.length);
  // Failed checks first: when rows are short, what is wrong stays on screen and the rest
  // becomes one line that counts them.
  const room = Math.max(2, height - others - (showAdvice ? rowsOf(advice, width) : 0));
  const ordered = [...checks.filter((c) => !c.ok), ...checks.filter((c) => c.ok)];
  const shownChecks = ordered.length <= room ? ordered : ordered.slice(0, room - 1);
  const hidden = ordered.slice(shownChecks.length);
  return h(
    Frame,
    { title: t('Done'), keys },
    blocked.length === 0
      ? h(Text, { bold: true, color: colour('green') }, t('✔ The runbook has run to the end.'))
      : h(
          Box,
          { flexDirection: 'column' },
          h(Text, { bold: true, color: colour('yellow') }, t('! The run finished, but {count} step(s) were blocked and did not run:', { count: blocked.length })),
          ...blockedLines.map((line, i) => h(Text, { key: i, wrap: 'truncate-end' }, line)),
          blocked.length > 3 ? h(Text, { dimColor: true }, t('  … see `{command}` for all of them', { command: runbookCommand('status', site) })) : null,
        ),
    h(Text, { dimColor: true }, counts),
    recheckText ? h(Text, { bold: (recheck?.drifted ?? 0) > 0 }, recheckText) : null,
    skippedText ? h(Text, { color: colour('yellow') }, skippedText) : null,
    !info
      ? h(Spinner, { label: t('Checking the cloud (runbook verify)…') })
      : h(
          Box,
          { flexDirection: 'column', marginTop: 1 },
          field(t('CloudStack UI'), info.uiUrl, true),
          field(t('User'), info.adminUser),
          field(t('Password'), !info.adminPassword ? t('(not generated yet)') : showPassword ? info.adminPassword : t('•••••••• (P shows it)'), true),
          h(Text, { dimColor: true }, keptText),
          h(Box, { flexDirection: 'column', marginTop: 1 },
            h(Text, { bold: true }, info.verify?.simulated ? t('runbook verify [simulated: answers come from the API simulator]') : t('runbook verify')),
            ...shownChecks.map((c, i) =>
              h(Box, { key: i }, h(Box, { width: 10 }, h(StatusMark, { mark: c.ok ? 'ok' : 'failed' })), h(Text, { wrap: 'truncate-end' }, fit(`${c.check}: ${c.object} (${c.state})`, width - 10))),
            ),
            hidden.length === 0
              ? null
              : hidden.every((c) => c.ok)
                ? h(Text, { color: colour('green') }, fit(t('✔ {count} more checks passed', { count: hidden.length }), width))
                : h(Text, { dimColor: true }, fit(t('… {count} more (the verify command below shows them all)', { count: hidden.length }), width)),
            errorText ? h(Text, { color: colour('yellow') }, errorText) : null,
          ),
          h(Box, { flexDirection: 'column', marginTop: 1 }, h(Text, { bold: true }, t('Next')), showAdvice ? h(Text, null, advice) : null, h(Text, null, commands)),
        ),
  );
}
