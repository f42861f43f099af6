// Runs one step on one host: its check, its actions in order, its verify, with retries and
// backoff, and the automatic retry of well-known transient failures (the apt/dpkg lock).
import type { PlannedStep } from '../plan/model.ts';
import type { RecheckResult, StepStatus } from '../state/journal.ts';
import type { StepLog } from '../state/logs.ts';
import type { OutputStream, Transport } from '../transport/types.ts';
import type { FailureReport } from './events.ts';
import { FILE_CHANGED, FILE_UNCHANGED, WRITE_FILE_SCRIPT } from './remote-scripts.ts';
import { substitute, type Redactor } from './variables.ts';

const TAIL_LINES = 20;
const TRANSIENT =
  /Could not get lock|dpkg frontend lock|Unable to lock the administration directory/;

export interface RetryPolicy {
  /** First backoff between attempts of a step with `retries`; doubles each time. */
  retryDelayMs: number;
  /** How often, and how far apart, a program hitting a held apt/dpkg lock is run again. */
  transientAttempts: number;
  transientDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retryDelayMs: 2000,
  transientAttempts: 20,
  transientDelayMs: 15_000,
};

export interface StepRunInput {
  step: PlannedStep;
  host: string;
  transport: Transport;
  env: Record<string, string>;
  log: StepLog;
  redactor: Redactor;
  url: string;
  policy: RetryPolicy;
  /** The host-side lock the step's programs hold (see ExecRequest.lockName). */
  lockName?: string;
  /** false: run the actions without asking the check (it failed on a recheck, or cannot see the change). */
  askCheck?: boolean;
  onOutput: (stream: OutputStream, line: string) => void;
  onRetry: (attempt: number, delayMs: number, reason: string) => void;
}

export interface StepOutcome {
  status: StepStatus;
  reason?: string;
  failure?: FailureReport;
  /** An api step answered by the CloudStack API simulator. */
  simulated?: boolean;
}

interface ProgramResult {
  exitCode: number;
  timedOut: boolean;
  tail: string[];
  markers: string[];
}

class AttemptFailed extends Error {
  readonly command: string;
  readonly exitCode: number;
  readonly tail: string[];
  constructor(message: string, command: string, exitCode: number, tail: string[]) {
    super(message);
    this.command = command;
    this.exitCode = exitCode;
    this.tail = tail;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Program = (
  label: string,
  script: string,
  env: Record<string, string>,
  stdin?: string,
) => Promise<ProgramResult>;

/** Runs one program of a step (check, script, file write, verify), logging it and retrying the apt lock. */
function programRunner(input: StepRunInput): Program {
  const { step, log } = input;
  return async (label, script, env, stdin) => {
    for (let attempt = 1; ; attempt++) {
      log.write(`$ ${label}`);
      const tail: string[] = [];
      const markers: string[] = [];
      let transient = false;
      const result = await input.transport.exec({
        script,
        env,
        input: stdin,
        timeoutSeconds: step.timeout,
        lockName: input.lockName,
        onLine: (stream, raw) => {
          if (raw === FILE_CHANGED || raw === FILE_UNCHANGED) return void markers.push(raw);
          const line = input.redactor.redact(raw);
          if (TRANSIENT.test(line)) transient = true;
          tail.push(line);
          if (tail.length > TAIL_LINES) tail.shift();
          log.write(stream === 'stderr' ? `! ${line}` : line);
          input.onOutput(stream, line);
        },
      });
      log.write(
        result.timedOut ? `(timed out after ${step.timeout} s)` : `(exit ${result.exitCode})`,
      );
      const out: ProgramResult = { ...result, tail, markers };
      if (result.exitCode === 0 || !transient || attempt >= input.policy.transientAttempts)
        return out;
      const reason = 'the apt/dpkg lock is held by another process';
      log.write(`(${reason}: trying again in ${input.policy.transientDelayMs / 1000} s)`);
      input.onRetry(attempt, input.policy.transientDelayMs, reason);
      await sleep(input.policy.transientDelayMs);
    }
  };
}

const failedHow = (what: string, step: PlannedStep, r: ProgramResult) =>
  r.timedOut
    ? `${what} timed out after ${step.timeout} s`
    : `${what} exited with status ${r.exitCode}`;

export interface RecheckOutcome {
  result: RecheckResult;
  /** Which program failed and how (drifted), or why nothing could run (not-checkable). */
  reason: string;
}

/**
 * A finished step looked at again: its check, then its verify, both read-only by the runbook's
 * contract. Still done when every one of them passes; a step with neither cannot be rechecked.
 */
export async function recheckStep(input: StepRunInput): Promise<RecheckOutcome> {
  const { step } = input;
  if (step.check === undefined && step.verify === undefined)
    return { result: 'not-checkable', reason: 'no check and no verify: nothing to recheck' };
  const program = programRunner(input);
  for (const [what, script] of [
    ['check', step.check],
    ['verify', step.verify],
  ] as const) {
    if (script === undefined) continue;
    const r = await program(`recheck ${what}: ${script}`, script, input.env);
    if (r.exitCode !== 0) return { result: 'drifted', reason: failedHow(`its ${what}`, step, r) };
  }
  return {
    result: 'still-done',
    reason: step.check !== undefined ? 'its check passes' : 'no check; its verify passes',
  };
}

export async function runStep(input: StepRunInput): Promise<StepOutcome> {
  const { step, log } = input;
  const program = programRunner(input);

  const mustPass = (what: string, command: string, r: ProgramResult) => {
    if (r.exitCode === 0) return;
    throw new AttemptFailed(failedHow(what, step, r), command, r.exitCode, r.tail);
  };

  if (step.check && input.askCheck !== false) {
    const r = await program(`check: ${step.check}`, step.check, input.env);
    if (r.exitCode === 0) return { status: 'skipped', reason: 'check passed: already done' };
  }

  const attempts = 1 + Math.max(0, step.retries);
  let lastError: AttemptFailed | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      let changed = false;
      for (const action of step.actions) {
        if (action.kind === 'sh') {
          const r = await program(action.script, action.script, input.env);
          mustPass('the script', action.script, r);
          changed = true;
        } else if (action.kind === 'file') {
          const path = substitute(action.path, input.env);
          const content = substitute(action.content, input.env);
          const env = { RB_PATH: path, RB_MODE: action.mode ?? '', RB_OWNER: action.owner ?? '' };
          const r = await program(`write ${path}`, WRITE_FILE_SCRIPT, env, content);
          mustPass(`writing ${path}`, `write ${path}`, r);
          const fileChanged = r.markers.includes(FILE_CHANGED);
          log.write(`${path}: ${fileChanged ? 'changed' : 'unchanged'}`);
          changed ||= fileChanged;
        } else {
          throw new AttemptFailed(
            `step ${step.id} runs on hosts but holds an api call`,
            action.text,
            1,
            [],
          );
        }
      }
      if (step.verify) {
        const r = await program(`verify: ${step.verify}`, step.verify, input.env);
        mustPass('verify', step.verify, r);
      }
      return { status: changed ? 'changed' : 'ok' };
    } catch (error) {
      if (!(error instanceof AttemptFailed)) throw error;
      lastError = error;
      if (attempt < attempts) {
        const delay = input.policy.retryDelayMs * 2 ** (attempt - 1);
        log.write(
          `(attempt ${attempt} of ${attempts} failed: ${error.message}; trying again in ${delay / 1000} s)`,
        );
        input.onRetry(attempt, delay, error.message);
        await sleep(delay);
      }
    }
  }
  const e = lastError!;
  return {
    status: 'failed',
    reason: e.message,
    failure: {
      host: input.host,
      id: step.id,
      command: e.command,
      exitCode: e.exitCode,
      message: e.message,
      lastLines: e.tail,
      log: log.path,
      url: input.url,
    },
  };
}
