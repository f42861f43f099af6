// The seam between the executor and the CloudStack API client (src/cloudstack/): api steps
// run on the `api` pseudo-host through whatever implements this. Without one, they are blocked.
import type { Plan, PlannedStep } from '../plan/model.ts';

export interface ApiStepContext {
  plan: Plan;
  /** Every value a step may use: site variables, secrets, values captured by earlier api steps. */
  variables: Record<string, string>;
  /** `.runbook/` of the site (API keys may be kept in its state file). */
  stateDir: string;
  /** A line for the step's log; secrets are redacted before it is written. */
  log: (line: string) => void;
  /** Aborted when the user insists on stopping (second Ctrl-C). */
  signal: AbortSignal;
  /**
   * Report a long wait (becomes a `step-progress` event): call it when the wait begins and
   * again every few seconds with the time waited so far. Text must hold no secret.
   */
  progress?: (text: string, elapsedMs: number) => void;
}

export interface ApiStepResult {
  /**
   * `interrupted`: the run was stopped on request while the step waited (its signal aborted);
   * the step counts as not run and runs again on resume.
   */
  status: 'ok' | 'changed' | 'failed' | 'blocked' | 'interrupted';
  changed: boolean;
  /** Values named by the step's `capture`; kept in the state file for later steps and runs. */
  captured: Record<string, string>;
  /** Why it failed or is blocked, in one sentence. */
  message?: string;
  /** The endpoint is the CloudStack API simulator (tests, the lab), not a real CloudStack. */
  simulated?: boolean;
}

export interface ApiRunner {
  runApiStep(step: PlannedStep, ctx: ApiStepContext): Promise<ApiStepResult>;
}

export const NO_API_CLIENT = 'no CloudStack API client configured';
