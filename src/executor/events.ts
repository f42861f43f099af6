// What the executor tells the outside world while it runs. The CLI prints these as lines or
// JSON (DESIGN.md section 5); the wizard renders them. Secrets never appear in them.
import type { StepStatus } from '../state/journal.ts';
import type { OutputStream } from '../transport/types.ts';

export type { StepStatus };

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
    }
  | { type: 'dry-run'; id: string; host: string; action: 'run' | 'skip'; reason: string }
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
    } & Counts);
