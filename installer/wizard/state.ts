// The wizard's whole state, held in one reducer in app.ts and passed down to the screens.
// Screens never keep state that another screen needs; they dispatch actions instead.
import type { Problem } from '../../src/diagnostics.ts';
import type { ExecutorEvent, FailureReport } from '../../src/executor/events.ts';
import type { Plan } from '../../src/plan/model.ts';
import type { Site } from '../../src/site-file/schema.ts';
import { applyEvent, emptyProgress, type RunProgress } from './progress.ts';
import type { DoneInfo, HostContact, LabPlan, PreflightRow, RunSummary } from './services.ts';

export type ScreenName = 'welcome' | 'lab' | 'site' | 'connect' | 'preflight' | 'plan' | 'run' | 'failure' | 'done';
/** The three ways on from the welcome screen. */
/** check: `install --recheck` of a finished cloud (finished steps' checks again, drifted ones re-run). */
export type Mode = 'ssh' | 'lab' | 'preview' | 'check';

export interface WizardState {
  screen: ScreenName;
  mode: Mode;
  language: string;
  siteFile: string;
  runbookDir?: string;
  /** The site as read at start (for the welcome drawing); undefined until read or when invalid. */
  site?: Site;
  siteProblems: Problem[];
  /** The site file's text the form edits: the file as it is, or the commented template. */
  siteText?: string;
  /** The file cannot be edited in the form (a YAML error, a shape the form cannot map). */
  siteBroken: boolean;
  /** The operator chose to start from the defaults over a broken file: saving sets it aside. */
  replaceBroken: boolean;  plan?: Plan;
  /** Problems that stop the plan from being built (runbook or site), shown on the site screen. */
  planProblems: Problem[];
  hosts: HostContact[];
  /** A first-contact host key waiting for the operator's answer. */
  hostKeyQuestion?: { host: string; fingerprint: string };
  preflight: PreflightRow[];
  preflightFinished: boolean;
  /** `id@host` → 'skip' when an earlier run did it (dry run over the journal). */
  earlier: Record<string, 'skip' | 'run'>;
  /** `id@host` → ms the step took last time, for the estimate. */
  lastDurations: Record<string, number>;
  run: RunProgress;
  /** Steps the operator chose to skip after a failure (`id@host`). */
  skipped: string[];
  failure?: FailureReport;
  summary?: RunSummary;
  done?: DoneInfo;
  labMessages: string[];
  labError?: string;
  /** The lab is described and waits for a yes, or is starting. */
  labPhase: 'confirm' | 'starting';
  labPlan?: LabPlan;
  /** The Ctrl-C question is open on the run screen. */
  stopAsked: boolean;
  /** How the operator asked the run to stop. */
  stopping?: 'after' | 'now';
  /** `id@host` of the steps running when "stop now" cut them off: their failures are the stop's. */
  cutOff: string[];
  /** The run could not start or ended with an error that is not a step failure. */
  runError?: string;
  /** Exit code once the wizard ends. */
  exitCode?: number;
}

export type Action =
  | { type: 'go'; screen: ScreenName }
  | { type: 'mode'; mode: Mode }
  | { type: 'language'; language: string }
  | { type: 'site-read'; text: string; site?: Site; problems: Problem[]; broken?: boolean }
  | { type: 'site-defaults'; text: string }
  | { type: 'site-edited'; text: string }
  | { type: 'site-file'; siteFile: string }
  | { type: 'plan-ready'; plan: Plan }
  | { type: 'plan-problems'; problems: Problem[] }
  | { type: 'hosts'; hosts: HostContact[] }
  | { type: 'host'; host: HostContact }
  | { type: 'host-key-question'; question?: { host: string; fingerprint: string } }
  | { type: 'preflight-row'; row: PreflightRow }
  | { type: 'preflight-reset' }
  | { type: 'preflight-finished' }
  | { type: 'earlier'; earlier: Record<string, 'skip' | 'run'>; lastDurations: Record<string, number> }
  | { type: 'run-start' }
  | { type: 'event'; event: ExecutorEvent }
  | { type: 'skip'; key: string }
  | { type: 'stop-asked'; asked: boolean }
  | { type: 'stop'; how: 'after' | 'now' }
  | { type: 'run-error'; error: string }
  | { type: 'done-info'; info: DoneInfo }
  | { type: 'lab-plan'; plan: LabPlan }
  | { type: 'lab-start' }
  | { type: 'lab-message'; message: string }
  | { type: 'lab-error'; error: string }
  | { type: 'exit'; code: number };

export function initialState(options: { siteFile: string; runbookDir?: string; language?: string }): WizardState {
  return {
    screen: 'welcome',
    mode: 'ssh',
    language: options.language ?? 'en',
    siteFile: options.siteFile,
    ...(options.runbookDir ? { runbookDir: options.runbookDir } : {}),
    siteProblems: [],
    siteBroken: false,
    replaceBroken: false,
    planProblems: [],
    hosts: [],
    preflight: [],
    preflightFinished: false,
    earlier: {},
    lastDurations: {},
    run: emptyProgress(),
    skipped: [],
    labMessages: [],
    labPhase: 'confirm',
    stopAsked: false,
    cutOff: [],
  };
}

export const hostKey = (id: string, host: string) => `${id}@${host}`;

export function reducer(state: WizardState, action: Action): WizardState {
  switch (action.type) {
    case 'go':
      return { ...state, screen: action.screen };
    case 'mode':
      return { ...state, mode: action.mode, labPhase: 'confirm', labError: undefined };
    case 'language':
      return { ...state, language: action.language };
    case 'site-read':
      return { ...state, siteText: action.text, site: action.site, siteProblems: action.problems, siteBroken: action.broken ?? false, replaceBroken: false };
    case 'site-defaults':
      return { ...state, siteText: action.text, siteBroken: false, replaceBroken: true };
    case 'site-edited':
      return { ...state, siteText: action.text };
    case 'site-file':
      return { ...state, siteFile: action.siteFile };
    case 'plan-ready':
      return { ...state, plan: action.plan, planProblems: [] };
    case 'plan-problems':
      return { ...state, planProblems: action.problems };
    case 'hosts':
      return { ...state, hosts: action.hosts };
    case 'host':
      return { ...state, hosts: state.hosts.map((h) => (h.name === action.host.name ? action.host : h)) };
    case 'host-key-question':
      return { ...state, hostKeyQuestion: action.question };
    case 'preflight-reset':
      return { ...state, preflight: [], preflightFinished: false };
    case 'preflight-row': {
      const key = hostKey(action.row.id, action.row.host);
      const others = state.preflight.filter((r) => hostKey(r.id, r.host) !== key);
      const index = state.preflight.findIndex((r) => hostKey(r.id, r.host) === key);
      const rows = index < 0 ? [...others, action.row] : state.preflight.map((r, i) => (i === index ? action.row : r));
      return { ...state, preflight: rows };
    }
    case 'preflight-finished':
      return { ...state, preflightFinished: true };
    case 'earlier':
      return { ...state, earlier: action.earlier, lastDurations: action.lastDurations };
    case 'run-start':
      return {
        ...state, run: emptyProgress(Date.now()), failure: undefined, summary: undefined, runError: undefined,
        stopAsked: false, stopping: undefined, cutOff: [], screen: 'run',
      };
    case 'event': {
      const run = applyEvent(state.run, action.event, state.plan);
      if (action.event.type !== 'summary') return { ...state, run };
      const summary = action.event;
      // Steps that "stop now" cut off fail because of the stop: the run was interrupted, and a
      // resume runs them again. A failure of any other step is a failure.
      const own = summary.failures.filter((f) => !state.cutOff.includes(hostKey(f.id, f.host)));
      if (state.stopping && summary.result === 'failed' && own.length === 0) {
        return { ...state, run: { ...run, result: 'interrupted' }, summary, failure: undefined, stopAsked: false };
      }
      const failure = own[0] ?? summary.failures[0];
      const screen = summary.result === 'completed' ? 'done' : failure ? 'failure' : state.screen;
      return { ...state, run, summary, failure, screen, stopAsked: false };
    }
    case 'skip':
      return { ...state, skipped: [...state.skipped, action.key] };
    case 'run-error':
      return { ...state, runError: action.error, stopAsked: false };
    case 'stop-asked':
      return { ...state, stopAsked: action.asked };
    case 'stop': {
      const running = Object.entries(state.run.current).map(([host, c]) => hostKey(c.id, host));
      const cutOff = action.how === 'now' ? [...new Set([...state.cutOff, ...running])] : state.cutOff;
      return { ...state, stopAsked: false, stopping: state.stopping === 'now' ? 'now' : action.how, cutOff };
    }
    case 'done-info':
      return { ...state, done: action.info };
    case 'lab-plan':
      return { ...state, labPlan: action.plan };
    case 'lab-start':
      return { ...state, labPhase: 'starting', labMessages: [], labError: undefined };
    case 'lab-message':
      return { ...state, labMessages: [...state.labMessages.slice(-50), action.message] };
    case 'lab-error':
      return { ...state, labError: action.error };
    case 'exit':
      return { ...state, exitCode: action.code };
  }
}

/** "Step 3 of 7" for the way the operator chose; the welcome screen comes before any way. */
export function stepOf(screen: ScreenName, mode: Mode): { step: number; of: number } | undefined {
  const ways: Record<Mode, ScreenName[][]> = {
    ssh: [['welcome'], ['site'], ['connect'], ['preflight'], ['plan'], ['run', 'failure'], ['done']],
    lab: [['welcome'], ['lab'], ['site'], ['connect'], ['preflight'], ['plan'], ['run', 'failure'], ['done']],
    preview: [['welcome'], ['site'], ['plan']],
    check: [['welcome'], ['site'], ['connect'], ['run', 'failure'], ['done']],
  };
  if (screen === 'welcome') return undefined;
  const way = ways[mode];
  const index = way.findIndex((names) => names.includes(screen));
  return index < 0 ? undefined : { step: index + 1, of: way.length };
}
