// What the wizard asks of the engine, as one interface: the real implementation
// (./real-services.ts) imports the engine lazily; tests may replace single members.
import type { Problem } from '../../src/diagnostics.ts';
import type { ExecutorEvent } from '../../src/executor/events.ts';
import type { Machine, Plan } from '../../src/plan/model.ts';
import type { Site } from '../../src/site-file/schema.ts';
import type { VerifyReport } from '../../src/cloudstack/verify.ts';

export type RunSummary = Extract<ExecutorEvent, { type: 'summary' }>;

export type ConfirmHostKey = (host: string, fingerprint: string) => Promise<boolean>;

export interface HostContact {
  name: string;
  /** `user@host:port`, what the installer connects to. */
  target: string;
  state: 'waiting' | 'connecting' | 'connected' | 'failed';
  /** Fingerprint shown and accepted on first contact in this session. */
  fingerprint?: string;
  error?: string;
  /** What to try, in one sentence. */
  hint?: string;
  /** A command that is the fix (a changed host key: forget the old one). */
  command?: string;
}

export interface PreflightRow {
  id: string;
  title: string;
  host: string;
  status: 'running' | 'pass' | 'warn' | 'fail';
  /** The failure (or warning) in the step's own words. */
  message?: string;
  /** The fix the step printed (`fix: ...` on stderr). */
  fix?: string;
}

export interface DoneInfo {
  uiUrl: string;
  adminUser: string;
  /** The generated admin password, if the state file holds it. */
  adminPassword?: string;
  stateFile: string;
  verify?: VerifyReport;
  verifyError?: string;
}

export interface RunHandle {
  /** Ask the run to stop after running steps finish; `force` also cuts connections. */
  stop(force?: boolean): void;
  done: Promise<RunSummary>;
}

/** What starting the lab takes, said before it starts. */
export interface LabPlan {
  /** Machines it boots (1: all-in-one). */
  machines: string[];
  /** Memory each VM gets. */
  memoryMb: number;
  /** Memory this machine has available now. */
  availableMb: number;
  /** Where the lab keeps its disks, keys and logs. */
  dir: string;
}

export interface Languages {
  code: string;
  name: string;
}

export interface WizardServices {
  languages(): Promise<Languages[]>;
  setLanguage(code: string): Promise<void>;
  /** The site file's text, or undefined when it does not exist yet. */
  readSiteText(file: string): string | undefined;
  /** The site as checked by `runbook check` (problems instead of a site when it is bad). */
  checkSiteText(text: string, file: string): Promise<{ site?: Site; errors: Problem[]; warnings: Problem[] }>;
  writeSiteText(file: string, text: string): void;
  /** Moves a site file the form could not read out of the way; returns where it went. */
  setAsideSiteFile(file: string): string;
  /** Site file (or, for a preview, the text it would hold) + runbook → plan, or every problem found. */
  buildPlan(options: { site: string; runbook?: string; siteText?: string }): Promise<{ plan?: Plan; problems: Problem[] }>;
  contactHost(plan: Plan, machine: Machine, confirm: ConfirmHostKey): Promise<HostContact>;
  preflight(plan: Plan, onRow: (row: PreflightRow) => void, confirm: ConfirmHostKey): Promise<PreflightRow[]>;
  /** What an earlier run did already, read from the journal without touching anything. */
  earlierRun(plan: Plan): Promise<{ earlier: Record<string, 'skip' | 'run'>; lastDurations: Record<string, number> }>;
  /** `recheck`: finished steps are checked again and the drifted ones re-run (`install --recheck`). */
  install(plan: Plan, onEvent: (event: ExecutorEvent) => void, confirm: ConfirmHostKey, options?: { recheck?: boolean }): RunHandle;
  doneInfo(plan: Plan): Promise<DoneInfo>;
  labPlan(): Promise<LabPlan>;
  labUp(onProgress: (message: string) => void): Promise<{ siteFile: string }>;
}
