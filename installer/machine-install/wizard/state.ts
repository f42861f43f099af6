// The interactive machine installer's whole state, in one reducer (app.ts holds it). Each
// answer is kept once it is given: going back to change one keeps the others, and a screen
// whose question has one possible answer is not shown at all.
import type { StageId } from '../engine.ts';

export type ScreenName =
  'language' | 'machine' | 'disk' | 'address' | 'key' | 'summary' | 'install' | 'done';

/** The questions in the order they are asked (install and done are not questions). */
export const QUESTIONS: ScreenName[] = ['language', 'machine', 'disk', 'address', 'key', 'summary'];

export type StageState = 'waiting' | 'running' | 'done' | 'failed';

export interface MachineWizardState {
  screen: ScreenName;
  language: string;
  /** `<source id>/<hostname>` of the machine chosen. */
  machine?: string;
  /** Device name (`vda`) of the disk whose erasure was confirmed. */
  disk?: string;
  address?: string;
  /** The site text with the address in it, as the installed machines get it. */
  siteText?: string;
  nic?: string;
  key?: string;
  stages: Partial<Record<StageId, StageState>>;
  percent: number;
  log: string[];
  error?: string;
  /** Screens whose question had one answer, skipped on the way forward and back. */
  skipped: ScreenName[];
}

export type Action =
  | { type: 'go'; screen: ScreenName }
  | { type: 'language'; language: string }
  | { type: 'machine'; machine: string }
  | { type: 'disk'; disk: string }
  | { type: 'address'; address: string; siteText: string; nic: string }
  | { type: 'key'; key: string }
  | { type: 'skip'; screen: ScreenName }
  | { type: 'install-start' }
  | { type: 'stage'; id: StageId; state: StageState }
  | { type: 'progress'; percent: number }
  | { type: 'log'; lines: string[] }
  | { type: 'failed'; error: string };

/** How many lines of output the log view keeps (the whole log is in the install log file). */
export const LOG_KEEP = 400;

export function initialState(
  language: string,
  preset: Partial<MachineWizardState> = {},
): MachineWizardState {
  return { screen: 'language', language, stages: {}, percent: 0, log: [], skipped: [], ...preset };
}

function next(state: MachineWizardState, from: ScreenName): ScreenName {
  const i = QUESTIONS.indexOf(from);
  return QUESTIONS.slice(i + 1).find((s) => !state.skipped.includes(s)) ?? 'summary';
}

/** The screen before `from` that asked something (for Esc). */
export function previous(state: MachineWizardState, from: ScreenName): ScreenName {
  const i = QUESTIONS.indexOf(from);
  return (
    QUESTIONS.slice(0, Math.max(0, i))
      .reverse()
      .find((s) => !state.skipped.includes(s)) ?? from
  );
}

export function reduce(state: MachineWizardState, action: Action): MachineWizardState {
  switch (action.type) {
    case 'go':
      return { ...state, screen: action.screen };
    case 'skip':
      return state.skipped.includes(action.screen)
        ? state
        : { ...state, skipped: [...state.skipped, action.screen] };
    case 'language':
      return { ...state, language: action.language, screen: next(state, 'language') };
    case 'machine': {
      // Another machine has another address and layout: those answers no longer hold.
      const changed = action.machine !== state.machine;
      const { address: _a, siteText: _s, disk: _d, ...rest } = state;
      return {
        ...(changed ? rest : state),
        machine: action.machine,
        screen: changed ? next(state, 'machine') : 'summary',
      };
    }
    case 'disk':
      return {
        ...state,
        disk: action.disk,
        screen: state.address ? 'summary' : next(state, 'disk'),
      };
    case 'address':
      return {
        ...state,
        address: action.address,
        siteText: action.siteText,
        nic: action.nic,
        screen: state.key ? 'summary' : next(state, 'address'),
      };
    case 'key':
      return { ...state, key: action.key, screen: 'summary' };
    case 'install-start': {
      const { error: _e, ...rest } = state;
      return { ...rest, screen: 'install', stages: {}, percent: 0, log: [] };
    }
    case 'stage':
      return { ...state, stages: { ...state.stages, [action.id]: action.state } };
    case 'progress':
      return { ...state, percent: action.percent };
    case 'log':
      return { ...state, log: [...state.log, ...action.lines].slice(-LOG_KEEP) };
    case 'failed':
      return { ...state, error: action.error };
  }
}
