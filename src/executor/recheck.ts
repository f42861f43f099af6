// `install --recheck` of one finished step: its check and verify on its host (read-only by the
// runbook's contract), the finding recorded in the journal (`step-check`, which `runbook status`
// shows as "last checked") and counted for the summary.
import { API_HOST, type PlannedStep } from '../plan/model.ts';
import type { Journal } from '../state/journal.ts';
import { StepLog } from '../state/logs.ts';
import { docsUrl } from './docs-url.ts';
import type { RecheckCounts } from './events.ts';
import {
  recheckStep,
  type RecheckOutcome,
  type StepOutcome,
  type StepRunInput,
} from './step-runner.ts';
import type { Redactor } from './variables.ts';

/** A recheck's finding, or (`failed`) the host could not be reached to look. */
export type Rechecked = RecheckOutcome & { failed?: StepOutcome };

const COUNTER = {
  'still-done': 'stillDone',
  drifted: 'drifted',
  'not-checkable': 'notCheckable',
} as const;

const API_STEP: RecheckOutcome = {
  result: 'not-checkable',
  reason: 'api steps are not rechecked here: `runbook verify` checks the running cloud',
};

export interface RecheckerOptions {
  logsDir: string;
  runId: string;
  /** Absent only when nothing may be written. */
  journal: () => Journal | undefined;
  redactor: () => Redactor;
}

export class Rechecker {
  readonly counts: RecheckCounts = { stillDone: 0, drifted: 0, notCheckable: 0 };
  private readonly options: RecheckerOptions;

  constructor(options: RecheckerOptions) {
    this.options = options;
  }

  /** `input` connects to the host (if this run has not yet) and gives what the programs need. */
  async check(
    step: PlannedStep,
    host: string,
    hash: string,
    input: (log: StepLog) => Promise<StepRunInput>,
  ): Promise<Rechecked> {
    const begin = Date.now();
    let found: RecheckOutcome = API_STEP;
    if (host !== API_HOST) {
      const log = new StepLog(this.options.logsDir, host, step.id);
      log.write(
        `=== ${new Date().toISOString()} run ${this.options.runId}: recheck on ${host} ===`,
      );
      try {
        found = await recheckStep(await input(log));
      } catch (error) {
        // The host did not answer: that says nothing about the step, so it is not recorded as
        // checked; the run fails as an install does when a host is gone.
        const message = this.options.redactor().redact((error as Error).message);
        log.write(`(error: ${message})`);
        const failure = {
          host,
          id: step.id,
          command: `recheck ${step.id}`,
          message,
          lastLines: [],
          log: log.path,
          url: docsUrl(step.url),
        };
        return {
          result: 'not-checkable',
          reason: message,
          failed: { status: 'failed', reason: message, failure },
        };
      } finally {
        log.close();
      }
    }
    this.counts[COUNTER[found.result]]++;
    this.options.journal()?.append({
      t: 'step-check',
      run: this.options.runId,
      at: new Date().toISOString(),
      id: step.id,
      host,
      hash,
      result: found.result,
      reason: found.reason,
      ms: Date.now() - begin,
    });
    return found;
  }
}
