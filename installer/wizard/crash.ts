// When the wizard itself goes wrong (a bug, an engine error nobody turned into a problem), the
// operator gets one readable screen: what happened in a sentence, where the details went, and
// that nothing more will run; never Ink's stack trace. The details go to a log file (0600).
import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import React from 'react';
import { Box, useApp } from 'ink';
import { t } from '../../src/i18n/translate.ts';
import { Frame, Text, colour, h, useKeys } from './ui.ts';

/** Beside the site's other logs when its state folder exists; else in the temporary folder. */
export function crashLogPath(siteFile: string, now = new Date()): string {
  const state = join(dirname(siteFile), '.runbook');
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  return existsSync(state) ? join(state, 'logs', `wizard-crash-${stamp}.log`) : join(tmpdir(), `runbook-wizard-crash-${stamp}.log`);
}

/** Writes what went wrong; returns the file, or undefined when even that failed. */
export function writeCrashLog(siteFile: string, error: unknown, extra = ''): string | undefined {
  const file = crashLogPath(siteFile);
  const detail = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    appendFileSync(file, `${new Date().toISOString()} runbook wizard\n${detail}\n${extra}\n`, { mode: 0o600 });
    return file;
  } catch {
    return undefined;
  }
}

/** Errors outside React's rendering (a promise nobody awaited, a key handler) report here. */
export type CrashReport = (error: unknown) => void;
export const CrashContext = React.createContext<CrashReport>(() => {});

/** The mounted boundary's report, for process-level handlers (index.ts). */
export const processCrashReport: { current?: CrashReport } = {};

function CrashScreen(props: { error: unknown; log?: string; onQuit: () => void }): React.ReactElement {
  useKeys((input, key) => {
    if (key.return || key.escape || input.toLowerCase() === 'q' || (key.ctrl && input === 'c')) props.onQuit();
  });
  const message = props.error instanceof Error ? props.error.message : String(props.error);
  return h(
    Frame,
    { title: t('Something went wrong'), keys: t('Enter or Q quit') },
    h(Text, { bold: true, color: colour('red') }, t('✖ The wizard hit an error it does not know how to handle:')),
    h(Text, null, `  ${message.split('\n')[0]}`),
    h(
      Box,
      { flexDirection: 'column', marginTop: 1 },
      props.log
        ? h(Text, null, t('The details are in {file}.', { file: props.log }))
        : h(Text, null, t('The details could not be written to a log file.')),
      h(Text, null, t('Nothing more runs now. What already ran is in the journal; a later run picks it up.')),
      h(Text, null, t('Please report it with that file: it names the wizard screen and the code that failed.')),
    ),
  );
}

interface BoundaryProps {
  siteFile: string;
  onExit: (code: number) => void;
  children?: React.ReactNode;
}

interface BoundaryState {
  error?: unknown;
  log?: string;
}

/** Rendering errors (React calls these) and reported errors end on the crash screen. */
export class CrashBoundary extends React.Component<BoundaryProps, BoundaryState> {
  state: BoundaryState = {};
  static getDerivedStateFromError(error: unknown): BoundaryState {
    return { error };
  }
  componentDidCatch(error: unknown, info: React.ErrorInfo): void {
    this.setState({ log: writeCrashLog(this.props.siteFile, error, info.componentStack ?? '') });
  }
  componentDidMount(): void {
    processCrashReport.current = this.report;
  }
  componentWillUnmount(): void {
    if (processCrashReport.current === this.report) processCrashReport.current = undefined;
  }
  report = (error: unknown): void => {
    if (this.state.error !== undefined) return;
    this.setState({ error, log: writeCrashLog(this.props.siteFile, error) });
  };
  render(): React.ReactNode {
    if (this.state.error === undefined) return h(CrashContext.Provider, { value: this.report }, this.props.children);
    return h(CrashExit, { error: this.state.error, log: this.state.log, onExit: this.props.onExit });
  }
}

function CrashExit(props: { error: unknown; log?: string; onExit: (code: number) => void }): React.ReactElement {
  const app = useApp();
  return h(CrashScreen, {
    error: props.error,
    ...(props.log ? { log: props.log } : {}),
    onQuit: () => {
      props.onExit(1);
      app.exit();
    },
  });
}
