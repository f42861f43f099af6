// Screen 5: chapters and step counts per machine, what an earlier run did already, and a
// rough time estimate; the operator confirms to start (or, in preview, only looks).
import React from 'react';
import { Box } from 'ink';
import { t } from '../../../src/i18n/translate.ts';
import { API_HOST, type Plan } from '../../../src/plan/model.ts';
import { runbookCommand } from '../hints.ts';
import type { WizardState } from '../state.ts';
import { Frame, Text, colour, displayWidth, fit, h, pad, padLeft, useKeys, useTerminalSize } from '../ui.ts';

/** Seconds a step takes when there is no earlier run to go by: a guess, said as one. */
const GUESS_SECONDS = { sh: 30, api: 5 };

export interface PlanRow {
  chapter: string;
  steps: number;
  perHost: Record<string, number>;
  doneBefore: number;
  tasks: number;
}

export function planRows(plan: Plan, earlier: Record<string, 'skip' | 'run'>): PlanRow[] {
  const rows = new Map<string, PlanRow>();
  for (const step of plan.steps) {
    const row = rows.get(step.chapter) ?? { chapter: step.chapter, steps: 0, perHost: {}, doneBefore: 0, tasks: 0 };
    row.steps++;
    for (const host of step.hosts) {
      row.perHost[host] = (row.perHost[host] ?? 0) + 1;
      row.tasks++;
      if (earlier[`${step.id}@${host}`] === 'skip') row.doneBefore++;
    }
    rows.set(step.chapter, row);
  }
  return [...rows.values()];
}

/** Minutes the run may take: hosts work in parallel, api steps after them. */
export function estimateMinutes(plan: Plan, earlier: Record<string, 'skip' | 'run'>, last: Record<string, number>): number {
  const perHost = new Map<string, number>();
  for (const step of plan.steps) {
    for (const host of step.hosts) {
      const key = `${step.id}@${host}`;
      if (earlier[key] === 'skip') continue;
      const seconds = last[key] !== undefined ? last[key]! / 1000 : host === API_HOST ? GUESS_SECONDS.api : GUESS_SECONDS.sh;
      perHost.set(host, (perHost.get(host) ?? 0) + seconds);
    }
  }
  const api = perHost.get(API_HOST) ?? 0;
  perHost.delete(API_HOST);
  const machines = Math.max(0, ...perHost.values());
  return Math.ceil((machines + api) / 60);
}

export interface PlanProps {
  state: WizardState;
  onStart: () => void;
  onBack: () => void;
  onQuit: () => void;
}

export function PlanScreen(props: PlanProps): React.ReactElement {
  const { state } = props;
  const plan = state.plan!;
  const { columns, rows: screenRows } = useTerminalSize();
  const width = Math.min(columns, 120);
  const preview = state.mode === 'preview';
  useKeys((input, key) => {
    if (key.return && !preview) props.onStart();
    else if (key.escape) props.onBack();
    else if (input.toLowerCase() === 'q') props.onQuit();
  });
  const hosts = [...plan.machines.map((m) => m.name), ...(plan.steps.some((s) => s.hosts.includes(API_HOST)) ? [API_HOST] : [])];
  const rows = planRows(plan, state.earlier);
  // A column per machine, as wide as its name needs while the chapter names keep 24 columns.
  const room = Math.floor((width - 16 - 24) / Math.max(1, hosts.length));
  const hostWidth = Math.max(6, Math.min(Math.max(...hosts.map(displayWidth)) + 2, room));
  const nameWidth = Math.max(14, width - 16 - hostWidth * hosts.length);
  const cells = (values: string[]) => values.map((v, i) => h(Text, { key: i }, padLeft(fit(v, hostWidth - 2), hostWidth)));
  const header = h(Box, null, h(Text, { bold: true }, pad(t('Chapter'), nameWidth)), h(Text, { bold: true }, padLeft(t('steps'), 6)), ...cells(hosts), h(Text, { bold: true }, padLeft(t('done'), 8)));
  const shown = rows.slice(0, Math.max(3, screenRows - 12));
  const body = shown.map((r) =>
    h(
      Box,
      { key: r.chapter },
      h(Text, null, pad(fit(r.chapter, nameWidth - 1), nameWidth)),
      h(Text, null, String(r.steps).padStart(6)),
      ...cells(hosts.map((host) => (r.perHost[host] ? String(r.perHost[host]) : '·'))),
      h(Text, { color: r.doneBefore === r.tasks && r.tasks > 0 ? colour('green') : undefined }, `${r.doneBefore}/${r.tasks}`.padStart(8)),
    ),
  );
  const totalTasks = rows.reduce((n, r) => n + r.tasks, 0);
  const doneBefore = rows.reduce((n, r) => n + r.doneBefore, 0);
  const minutes = estimateMinutes(plan, state.earlier, state.lastDurations);
  return h(
    Frame,
    { title: preview ? t('Plan (preview)') : t('Plan'), keys: preview ? t('Esc back · Q quit') : t('Enter start the installation · Esc back · Q quit') },
    h(Text, null, fit(t('Site {site}: {steps} steps, {tasks} step runs on {machines} machine(s).', { site: plan.siteName, steps: plan.steps.length, tasks: totalTasks, machines: plan.machines.length }), width)),
    h(Box, { flexDirection: 'column', marginTop: 1 }, header, ...body, rows.length > shown.length ? h(Text, { dimColor: true }, t('… and {count} more chapters', { count: rows.length - shown.length })) : null),
    h(
      Box,
      { flexDirection: 'column', marginTop: 1 },
      h(Text, null, doneBefore > 0 ? t('{done} of {tasks} step runs are done from an earlier run and will be skipped.', { done: doneBefore, tasks: totalTasks }) : t('Nothing has run on this site before.')),
      // Nothing left to run rounds to zero minutes: say what Enter does then instead.
      h(
        Text,
        null,
        minutes === 0 && !preview
          ? t('Nothing is left to run: Enter checks the cloud and shows the login again.')
          : t('Estimated time: about {minutes} minute(s) (a rough guess; package downloads dominate).', { minutes: Math.max(1, minutes) }),
      ),
      preview
        ? h(Text, { dimColor: true }, t('Nothing was contacted, written or changed. `{command}` shows every step.', { command: runbookCommand('plan', { site: state.siteFile, ...(state.runbookDir ? { runbook: state.runbookDir } : {}) }) }))
        : null,
    ),
  );
}
