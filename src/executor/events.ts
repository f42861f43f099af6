// What the executor tells the outside world while it runs. The CLI prints these as lines or
// JSON (DESIGN.md section 5); the wizard renders them. Secrets never appear in them.
import type { RecheckResult, StepStatus } from '../state/journal.ts';
import type { OutputStream } from '../transport/types.ts';

export type { RecheckResult, StepStatus };

/** `install --recheck`: finished steps looked at again, by what was found. */
export interface RecheckCounts {
  stillDone: number;
  drifted: number;
  notCheckable: number;
}

export interface FailureReport {
  host: string;
  id: string;
  /** The program that failed, as written in the runbook (or `write /path` for files). */
  command: string;
  exitCode?: number;
  message: string;
  /** The last lines the program printed (at most 20). */
  lastLines: string[];
  log: string;
  url: string;
}

export interface Counts {
  ok: number;
  changed: number;
  skipped: number;
  failed: number;
  blocked: number;
}

export type ExecutorEvent =
  | {
      type: 'plan';
      site: string;
      hosts: string[];
      steps: { id: string; title: string; on: string; hosts: string[] }[];
      /**
       * Machines the journal knows that the site file no longer names. Nothing is removed from
       * them or from CloudStack; the operator takes them out (docs: /day-two/).
       */
      leftHosts?: string[];
    }
  | { type: 'host'; host: string; state: 'connecting' | 'connected'; fingerprint?: string }
  | { type: 'step-start'; id: string; host: string; title: string }
  | { type: 'step-output'; id: string; host: string; stream: OutputStream; line: string }
  | {
      /**
       * A step is waiting on something that takes long (an API call upstream works on for
       * minutes, an async job, a service coming up): what it waits for and for how long so far.
       * Emitted when the wait begins and then every few seconds; never carries a secret.
       */
      type: 'step-progress';
      id: string;
      host: string;
      /** e.g. "addHost: waiting for the KVM agent on kvm1 to connect" */
      text: string;
      /** Time since this wait began. */
      elapsedMs: number;
    }
  | {
      type: 'step-retry';
      id: string;
      host: string;
      attempt: number;
      delayMs: number;
      reason: string;
    }
  | {
      type: 'step-end';
      id: string;
      host: string;
      status: StepStatus;
      ms: number;
      reason?: string;
      log?: string;
      failure?: FailureReport;
      /** The step talked to the CloudStack API simulator, not a real CloudStack. */
      simulated?: boolean;
      /** Under --recheck, a finished step looked at again: what was found (drifted: re-run). */
      recheck?: RecheckResult;
      /** What showed the drift: the check or verify that failed, and how. */
      drift?: string;
    }
  | {
      type: 'dry-run';
      id: string;
      host: string;
      action: 'run' | 'skip';
      reason: string;
      /** Under --recheck, for a finished step: what its check and verify found just now. */
      recheck?: RecheckResult;
      ms?: number;
    }
  | ({
      type: 'summary';
      ms: number;
      counts: Counts;
      /** Steps that never started (after a failure or an interrupt). */
      notRun: number;
      result: 'completed' | 'failed' | 'interrupted';
      failures: FailureReport[];
      blockedSteps: { id: string; host: string; reason: string }[];
      /** api steps answered by the CloudStack API simulator in this run. */
      simulatedSteps: number;
      /** Under --recheck. */
      recheck?: RecheckCounts;
    } & Counts);
