// The wizard: one reducer holds the state (./state.ts); this component runs the side effects
// (reading the site, contacting hosts, running the executor) and shows one screen at a time,
// inside the crash boundary (./crash.ts) and the help panel's key scope (./input.ts).
import React from 'react';
import { useApp, useInput } from 'ink';
import type { ExecutorEvent } from '../../src/executor/events.ts';
import type { Plan } from '../../src/plan/model.ts';
import { t } from '../../src/i18n/translate.ts';
import { CrashBoundary, CrashContext } from './crash.ts';
import { resumeCommand } from './hints.ts';
import type { DoneInfo, Languages, RunHandle, WizardServices } from './services.ts';
import { initialState, reducer, hostKey, stepOf, type Mode } from './state.ts';
import { F1, FrameContext, InputScopeContext, h, useRawInput } from './ui.ts';
import { Welcome } from './screens/welcome.ts';

type Later = typeof import('./later.ts');
let later: Later | undefined;
/** The rest of the wizard, loaded after the first frame (see later.ts). */
export async function loadLater(): Promise<Later> {
  later ??= await import('./later.ts');
  return later;
}

export interface AppProps {
  siteFile: string;
  runbookDir?: string;
  services: WizardServices;
  language?: string;
  /** The languages offered, when the caller has looked for them already (index.ts does for a non-English start). */
  languages?: Languages[];
  onExit: (code: number) => void;
}

interface Question {
  host: string;
  fingerprint: string;
  resolve: (ok: boolean) => void;
}

/** One sentence for an error: every problem of an InputError, or the message. */
export function errorText(error: unknown): string {
  const problems = (error as { problems?: { message: string; fix?: string }[] } | undefined)?.problems;
  if (Array.isArray(problems)) return problems.map((p) => `${p.message}${p.fix ? ` (${p.fix})` : ''}`).join('; ');
  return error instanceof Error ? error.message : String(error);
}

export function App(props: AppProps): React.ReactElement {
  return h(CrashBoundary, { siteFile: props.siteFile, onExit: props.onExit }, h(Wizard, props));
}

/** The help panel: `?` or F1 opens it (F1 only while a text field takes typing), Esc closes it. */
function useHelp(): { open: boolean; close: () => void; scope: { blocked: boolean; typing: { current: number } } } {
  const [open, setOpen] = React.useState(false);
  const typing = React.useRef(0);
  useRawInput((sequence) => {
    if (F1.has(sequence) || (sequence === '?' && typing.current === 0)) setOpen((o) => !o);
    else if (open && (sequence === '\u001B' || sequence.toLowerCase() === 'q')) setOpen(false);
  });
  const scope = React.useMemo(() => ({ blocked: open, typing }), [open]);
  return { open, close: () => setOpen(false), scope };
}

function Wizard(props: AppProps): React.ReactElement {
  const { services } = props;
  const crash = React.useContext(CrashContext);
  const [state, dispatch] = React.useReducer(
    reducer,
    { siteFile: props.siteFile, runbookDir: props.runbookDir, language: props.language },
    initialState,
  );
  const [languages, setLanguages] = React.useState<Languages[] | undefined>(props.languages);
  const [busy, setBusy] = React.useState(false);
  const questions = React.useRef<Question[]>([]);
  const handle = React.useRef<RunHandle | undefined>(undefined);
  const app = useApp();

  const help = useHelp();

  const exit = (code: number) => {
    for (const q of questions.current.splice(0)) q.resolve(false);
    handle.current?.stop(true);
    dispatch({ type: 'exit', code });
  };
  // Unmounted without an exit (the crash screen took over): nothing may go on running unseen.
  React.useEffect(() => () => handle.current?.stop(true), []);
  React.useEffect(() => {
    if (state.exitCode === undefined) return;
    props.onExit(state.exitCode);
    app.exit();
  }, [state.exitCode]);

  const readSite = async (file: string) => {
    const { startingText, siteEditable } = await loadLater();
    let existing: string | undefined;
    try {
      existing = services.readSiteText(file);
    } catch (error) {
      // A folder, a file without read permission: said on the site screen, like a YAML error.
      const problem = { file, line: 0, message: t('cannot read {file}: {error}', { file, error: errorText(error) }), fix: t('name a readable site file with --site') };
      dispatch({ type: 'site-read', text: '', problems: [problem], broken: true });
      return;
    }
    const text = startingText(existing);
    const checked = await services.checkSiteText(text, file);
    dispatch({ type: 'site-read', text, site: checked.site, problems: checked.errors, broken: !siteEditable(text) });
  };
  React.useEffect(() => {
    services.languages().then(setLanguages, crash);
    // After the first frame: the site checks load zod and the site module.
    const timer = setTimeout(() => readSite(state.siteFile).catch(crash), 0);
    return () => clearTimeout(timer);
  }, []);

  // Host keys: one question at a time, whoever asks (connect, preflight, run).
  const confirmHostKey = (host: string, fingerprint: string) =>
    new Promise<boolean>((resolve) => {
      questions.current.push({ host, fingerprint, resolve });
      if (questions.current.length === 1) dispatch({ type: 'host-key-question', question: { host, fingerprint } });
    });
  const answerHostKey = (ok: boolean) => {
    const q = questions.current.shift();
    q?.resolve(ok);
    const next = questions.current[0];
    dispatch({ type: 'host-key-question', question: next ? { host: next.host, fingerprint: next.fingerprint } : undefined });
  };

  const contactAll = async (plan: Plan) => {
    dispatch({
      type: 'hosts',
      hosts: plan.machines.map((m) => ({ name: m.name, target: `${m.ssh.user}@${m.ssh.host}:${m.ssh.port}`, state: 'connecting' })),
    });
    await Promise.all(
      plan.machines.map(async (m) => dispatch({ type: 'host', host: await services.contactHost(plan, m, confirmHostKey) })),
    ).catch(crash);
  };

  const preflightRunning = React.useRef(false);
  const runPreflight = async (plan: Plan) => {
    // A second Enter before the screen changes must not start a second round of checks.
    if (preflightRunning.current) return;
    preflightRunning.current = true;
    dispatch({ type: 'preflight-reset' });
    dispatch({ type: 'go', screen: 'preflight' });
    try {
      await services.preflight(plan, (row) => dispatch({ type: 'preflight-row', row }), confirmHostKey);
    } catch (error) {
      // The checks could not run at all (a held lock, say): a failure row keeps the way shut.
      dispatch({ type: 'preflight-row', row: { id: 'preflight', title: t('Preflight'), host: t('installer'), status: 'fail', message: errorText(error) } });
    } finally {
      preflightRunning.current = false;
    }
    dispatch({ type: 'preflight-finished' });
  };

  const showPlan = async (plan: Plan): Promise<void> => {
    // Without the journal's answer the plan is still worth showing: nothing counts as done.
    const earlier = await services.earlierRun(plan).catch(() => ({ earlier: {}, lastDurations: {} }));
    dispatch({ type: 'earlier', ...earlier });
    dispatch({ type: 'go', screen: 'plan' });
  };

  const startRun = (skipped: string[]) => {
    if (handle.current) return; // one run at a time (a repeated Enter, say)
    const plan = state.plan!;
    dispatch({ type: 'run-start' });
    const run = services.install(
      later!.planWithout(plan, skipped),
      (event: ExecutorEvent) => dispatch({ type: 'event', event }),
      confirmHostKey,
      state.mode === 'check' ? { recheck: true } : {},
    );
    handle.current = run;
    run.done.then(
      async (summary) => {
        handle.current = undefined;
        if (summary.result !== 'completed') return;
        const info = await services.doneInfo(plan).catch(
          (error: unknown): DoneInfo => ({ uiUrl: '', adminUser: 'admin', stateFile: '', verifyError: errorText(error) }),
        );
        dispatch({ type: 'done-info', info });
      },
      (error: unknown) => {
        handle.current = undefined;
        dispatch({ type: 'run-error', error: errorText(error) });
      },
    );
  };

  const saveSite = async (text: string) => {
    setBusy(true);
    try {
      const preview = state.mode === 'preview';
      // A preview writes nothing: the plan is built from the form's text in memory.
      if (!preview) {
        const existing = state.replaceBroken ? undefined : services.readSiteText(state.siteFile);
        if (state.replaceBroken && services.readSiteText(state.siteFile) !== undefined) services.setAsideSiteFile(state.siteFile);
        // Rewrite only when a value changed, so an untouched file keeps its exact layout.
        if (existing === undefined || !later!.sameSite(existing, text)) services.writeSiteText(state.siteFile, text);
      }
      dispatch({ type: 'site-edited', text });
      const built = await services.buildPlan({
        site: state.siteFile,
        ...(state.runbookDir ? { runbook: state.runbookDir } : {}),
        ...(preview ? { siteText: text } : {}),
      });
      if (!built.plan) {
        dispatch({ type: 'plan-problems', problems: built.problems });
        return;
      }
      dispatch({ type: 'plan-ready', plan: built.plan });
      if (state.mode === 'preview') await showPlan(built.plan);
      else {
        dispatch({ type: 'go', screen: 'connect' });
        void contactAll(built.plan);
      }
    } catch (error) {
      dispatch({ type: 'plan-problems', problems: [{ file: state.siteFile, line: 0, message: errorText(error) }] });
    } finally {
      setBusy(false);
    }
  };

  const choose = (mode: Mode | 'quit') => {
    if (mode === 'quit') return exit(0);
    dispatch({ type: 'mode', mode });
    if (mode !== 'lab') return dispatch({ type: 'go', screen: 'site' });
    // The lab boots VMs: say what it takes and wait for a yes.
    dispatch({ type: 'go', screen: 'lab' });
    services.labPlan().then((plan) => dispatch({ type: 'lab-plan', plan }), crash);
  };

  const startLab = () => {
    dispatch({ type: 'lab-start' });
    services.labUp((message) => dispatch({ type: 'lab-message', message })).then(
      async ({ siteFile }) => {
        dispatch({ type: 'site-file', siteFile });
        await readSite(siteFile);
        dispatch({ type: 'go', screen: 'site' });
      },
      (error: unknown) => dispatch({ type: 'lab-error', error: errorText(error) }),
    ).catch(crash);
  };

  const stopRun = (how: 'after' | 'now') => {
    dispatch({ type: 'stop', how });
    handle.current?.stop(how === 'now');
  };

  useInput((input, key) => {
    if (!(key.ctrl && input === 'c')) return;
    help.close();
    if (state.screen === 'run' && handle.current) {
      // Asked once: the question offers both ways; a second Ctrl-C means "now".
      if (state.stopAsked || state.stopping) stopRun('now');
      else dispatch({ type: 'stop-asked', asked: true });
      return;
    }
    exit(state.screen === 'done' ? 0 : 130);
  });

  const step = stepOf(state.screen, state.mode);
  const frame = {
    helpKey: help.open ? undefined : state.screen === 'site' && !state.siteBroken ? t('F1 help') : t('? help'),
    helpOpen: help.open,
    ...(step ? { step: t('Step {step} of {of}', step) } : {}),
  };
  return h(InputScopeContext.Provider, { value: help.scope }, h(FrameContext.Provider, { value: frame }, screen()));

  function screen(): React.ReactElement {
  const resume = resumeCommand(state.siteFile, state.runbookDir);
  // Until the rest of the wizard and the site text are in (a few ms after the first frame),
  // an early choice keeps the welcome screen up, inert.
  const waiting = !later || (state.screen === 'site' && state.siteText === undefined);
  if (state.screen !== 'welcome' && waiting) return h(Welcome, { state, languages, onChoose: () => {}, onLanguage: () => {} });
  const { SiteScreen, BrokenSiteScreen, LabScreen, ConnectScreen, PreflightScreen, PlanScreen, RunScreen, FailureScreen, DoneScreen, valuesFromText, startingText } = later ?? ({} as Later);
  switch (state.screen) {
    case 'welcome':
      return h(Welcome, {
        state,
        languages,
        onChoose: choose,
        onLanguage: (code: string) => void services.setLanguage(code).then(() => dispatch({ type: 'language', language: code }), crash),
      });
    case 'lab':
      return h(LabScreen, { state, onStart: startLab, onBack: () => dispatch({ type: 'go', screen: 'welcome' }) });
    case 'site':
      if (state.siteBroken) {
        return h(BrokenSiteScreen, {
          file: state.siteFile,
          text: state.siteText!,
          problems: state.siteProblems,
          onReread: () => void readSite(state.siteFile).catch(crash),
          onDefaults: () => dispatch({ type: 'site-defaults', text: startingText(undefined) }),
          onBack: () => dispatch({ type: 'go', screen: 'welcome' }),
        });
      }
      return h(SiteScreen, {
        key: `${state.siteFile}#${state.replaceBroken ? 'defaults' : 'file'}`,
        file: state.siteFile,
        baseText: state.siteText!,
        initial: valuesFromText(state.siteText!),
        planProblems: state.planProblems,
        busy,
        preview: state.mode === 'preview',
        replacing: state.replaceBroken,
        check: (text: string) => services.checkSiteText(text, state.siteFile),
        onSave: (text: string) => void saveSite(text),
        onBack: () => dispatch({ type: 'go', screen: 'welcome' }),
      });
    case 'connect':
      return h(ConnectScreen, {
        state,
        onAnswer: answerHostKey,
        // Checking a finished cloud: its preflight passed when it was built; the checks are the run.
        onContinue: () => (state.mode === 'check' ? startRun(state.skipped) : void runPreflight(state.plan!)),
        onRetry: () => void contactAll(state.plan!),
        onBack: () => dispatch({ type: 'go', screen: 'site' }),
      });
    case 'preflight':
      return h(PreflightScreen, {
        state,
        onAnswer: answerHostKey,
        onContinue: () => void showPlan(state.plan!),
        onAgain: () => void runPreflight(state.plan!),
        onBack: () => dispatch({ type: 'go', screen: 'site' }),
      });
    case 'plan':
      return h(PlanScreen, {
        state,
        onStart: () => startRun(state.skipped),
        onBack: () => dispatch({ type: 'go', screen: state.mode === 'preview' ? 'site' : 'preflight' }),
        onQuit: () => exit(0),
      });
    case 'run':
      return h(RunScreen, {
        state,
        resumeCommand: resume,
        onAnswer: answerHostKey,
        onQuit: () => exit(1),
        onStopAnswer: (how: 'after' | 'now' | 'keep') => {
          if (how === 'keep') dispatch({ type: 'stop-asked', asked: false });
          else stopRun(how);
        },
      });
    case 'failure':
      return h(FailureScreen, {
        state,
        resumeCommand: resume,
        onRetry: () => startRun(state.skipped),
        onSkip: () => {
          const f = state.failure!;
          const skipped = [...state.skipped, hostKey(f.id, f.host)];
          dispatch({ type: 'skip', key: hostKey(f.id, f.host) });
          startRun(skipped);
        },
        onQuit: () => exit(1),
      });
    case 'done':
      return h(DoneScreen, { state, onQuit: () => exit(0) });
  }
  }
}
