// Runs one `on="api"` step: its cmk lines, validated against the API reference before
// anything is sent, `${VAR}`s filled in, each create looked up first (so a re-run changes
// nothing), captures taken from the last call's result.
import type { PlannedStep } from '../plan/model.ts';
import { apiReference, paramBase } from './api-reference.ts';
import { isReadOnly } from './api-timing.ts';
import { CloudStackClient, type Backoff } from './client.ts';
import { callOnce, type CallOutcome, type OnceOptions } from './create-once.ts';
import { CloudStackError, TransportError, redact } from './errors.ts';
import { DEFAULT_ADMIN, ensureApiKeys, type CredentialStore } from './first-contact.ts';
import { evaluatePath } from './json-path.ts';
import { LOOKUPS } from './lookups.ts';
import type { Progress } from './progress.ts';
import { isObject, type Json } from './response.ts';
import { SECRET_VARIABLES, knownVariableNames } from '../site-file/variables.ts';

/** `interrupted`: stopped on request (second Ctrl-C) while waiting; the step runs again on resume. */
export type ApiStepStatus = 'ok' | 'changed' | 'failed' | 'blocked' | 'interrupted';

export interface ApiStepResult {
  status: ApiStepStatus;
  /** Variables captured by the step (`capture="ZONE_ID=id"`), for later steps. */
  captured: Record<string, string>;
  message?: string;
  /** The endpoint answered as the test simulator: output must say so. */
  simulated?: boolean;
}

export interface ApiStepContext {
  endpoint: string;
  /** PEM CA file for an https endpoint with a private CA. */
  caFile?: string;
  credentials: CredentialStore;
  /** Site variables + secrets + everything captured so far. */
  variables: Record<string, string>;
  /** One line at a time; secrets are already hidden. */
  log: (line: string) => void;
  signal?: AbortSignal;
  /** Prefix for the step's docs URL in failure messages (e.g. https://runbook.example.org). */
  docsBaseUrl?: string;
  /** Names whose values are hidden in logs (defaults to the generated secrets). */
  secretNames?: string[];
  /** Long waits (a call upstream works on for minutes, a job): when they begin, then every few seconds. */
  progress?: Progress;
  /** A machine's name by its address, for progress texts. */
  hostName?: (address: string) => string;
  /** Tuning for tests and slow clouds. */
  timing?: ApiTimingOptions;
}

export interface ApiTimingOptions {
  jobPoll?: Backoff;
  retry?: Backoff & { attempts: number };
  apiWaitMs?: number;
  apiWaitInitialMs?: number;
  jobTimeoutMs?: number;
  /** Factor on upstream's per-API request timeouts (tests run upstream's timing scaled). */
  timeScale?: number;
  /** Time between progress reports (default 5 s). */
  progressEveryMs?: number;
  /** Time between lookups while waiting for an object whose answer was lost (default 10 s). */
  lookupEveryMs?: number;
}

/** One API call ready to send. */
export interface PreparedCall {
  api: string;
  params: Record<string, string>;
  text: string;
}

export class StepInputError extends Error {
  /** A variable an earlier step should have captured. */
  readonly missingCapture: boolean;
  constructor(message: string, missingCapture = false) {
    super(message);
    this.missingCapture = missingCapture;
  }
}

const VAR = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

function substitute(text: string, vars: Record<string, string>, line: string): string {
  return text.replace(VAR, (_, name: string) => {
    const value = vars[name];
    if (value === undefined) {
      // Not a site, host or secret name: an earlier api step's capture.
      const captured = !knownVariableNames().has(name);
      throw new StepInputError(
        captured
          ? `\${${name}} has no value: it is captured by an earlier api step that has not run (line: ${line})`
          : `\${${name}} has no value (line: ${line}); define it in the site file or fix the name`,
        captured,
      );
    }
    return value;
  });
}

/** Check a call against the API reference: unknown API, unknown or missing parameters. */
export function validateCall(api: string, params: Record<string, string>, text: string): void {
  const spec = apiReference().apis[api];
  if (!spec)
    throw new StepInputError(
      `unknown API "${api}" (line: ${text}); see the API reference for the command name`,
    );
  const known = new Set([...spec.required, ...spec.optional].map((p) => p.toLowerCase()));
  const unknown = Object.keys(params).filter((k) => !known.has(paramBase(k)));
  if (unknown.length) {
    throw new StepInputError(
      `${api} has no parameter ${unknown.map((u) => `"${u}"`).join(', ')} (line: ${text}); accepted: ${[...spec.required, ...spec.optional].join(', ')}`,
    );
  }
  const given = new Set(Object.keys(params).map((k) => paramBase(k)));
  const missing = spec.required.filter((r) => !given.has(r.toLowerCase()));
  if (missing.length)
    throw new StepInputError(
      `${api} needs ${missing.map((m) => `"${m}"`).join(', ')} (line: ${text})`,
    );
}

/** Resolve and validate every line of the step before anything is sent. */
export function prepareCalls(step: PlannedStep, vars: Record<string, string>): PreparedCall[] {
  const calls: PreparedCall[] = [];
  for (const action of step.actions) {
    if (action.kind !== 'api')
      throw new StepInputError(`step ${step.id} runs on the API but holds a ${action.kind} action`);
    // Lines about each KVM host (`${HOST_IP}`) were already made one per host by the plan.
    const params: Record<string, string> = {};
    for (const [k, raw] of Object.entries(action.params))
      params[k] = substitute(raw, vars, action.text);
    validateCall(action.command, params, action.text);
    calls.push({ api: action.command, params, text: action.text });
  }
  return calls;
}

/** A step whose first line is `login ...` is the first-contact step (see first-contact.ts). */
export function isFirstContactStep(step: PlannedStep): boolean {
  const first = step.actions[0];
  return first?.kind === 'api' && first.command === 'login';
}

/** One call: a read-only one as is, anything else so that CloudStack does it once. */
async function runCall(
  client: CloudStackClient,
  call: PreparedCall,
  opts: OnceOptions,
): Promise<CallOutcome> {
  if (isReadOnly(call.api))
    return { result: await client.call(call.api, call.params), changed: false };
  return callOnce(client, call, LOOKUPS[call.api], opts);
}

function captureFrom(step: PlannedStep, result: Json, lastCall?: string): Record<string, string> {
  const captured: Record<string, string> = {};
  for (const [name, path] of Object.entries(step.capture)) {
    const value = evaluatePath(result, path);
    if (Array.isArray(result) && result.length === 0 && lastCall) {
      // A list step that finds nothing: the step's prose says what that means and what to do.
      throw new StepInputError(`\`${lastCall}\` found nothing, so ${name} has no value`);
    }
    if (value === undefined || value === null || typeof value === 'object') {
      throw new StepInputError(
        `capture ${name}=${path}: the last call's result has no such value (${JSON.stringify(result).slice(0, 200)})`,
      );
    }
    captured[name] = String(value);
  }
  return captured;
}

function docsLink(step: PlannedStep, ctx: ApiStepContext): string {
  return `${ctx.docsBaseUrl ?? ''}${step.url}`;
}

/** Run an api step; never throws for CloudStack or input errors (they become `failed`). */
export async function runApiStep(step: PlannedStep, ctx: ApiStepContext): Promise<ApiStepResult> {
  const named = (ctx.secretNames ?? Object.keys(SECRET_VARIABLES)).map(
    (n) => ctx.variables[n] ?? ctx.credentials.secret(n) ?? '',
  );
  // The API keys may appear only during the step (first contact): look them up each time.
  const secrets = () => {
    const keys = ctx.credentials.apiKeys();
    return [...named, keys?.secretKey ?? '', keys?.apiKey ?? ''].filter(Boolean);
  };
  let simulatedSaid = false;
  const client = new CloudStackClient({
    endpoint: ctx.endpoint,
    caFile: ctx.caFile,
    signal: ctx.signal,
    jobPoll: ctx.timing?.jobPoll,
    retry: ctx.timing?.retry,
    jobTimeoutMs: ctx.timing?.jobTimeoutMs ?? step.timeout * 1000,
    timeScale: ctx.timing?.timeScale,
    progress: ctx.progress,
    progressEveryMs: ctx.timing?.progressEveryMs,
    hostName: ctx.hostName,
    log: (line) => log(line),
  });
  const once: OnceOptions = {
    log,
    signal: ctx.signal,
    lookupEveryMs: ctx.timing?.lookupEveryMs ?? 10_000,
    maxSends: ctx.timing?.retry?.attempts ?? 3,
    retryAfterMs: ctx.timing?.retry?.initialMs ?? 2000,
  };
  function log(line: string): void {
    if (client.simulated && !simulatedSaid) {
      simulatedSaid = true;
      ctx.log(`[simulated] ${ctx.endpoint} is the CloudStack API simulator, not a real CloudStack`);
    }
    ctx.log(redact(line, secrets()));
  }
  const waitOpts = {
    log,
    signal: ctx.signal,
    caFile: ctx.caFile,
    timeoutMs: ctx.timing?.apiWaitMs,
    initialMs: ctx.timing?.apiWaitInitialMs,
    progress: ctx.progress,
  };
  const fail = (status: ApiStepStatus, text: string): ApiStepResult => ({
    status,
    captured: {},
    message: `${redact(text, secrets())}\n  docs: ${docsLink(step, ctx)}`,
    simulated: client.simulated || undefined,
  });
  try {
    if (isFirstContactStep(step)) {
      const { changed } = await ensureApiKeys(client, ctx.credentials, waitOpts);
      log(
        changed ? 'admin password set and API keys created' : 'API keys already in the state file',
      );
      let captured: Record<string, string> = {};
      if (Object.keys(step.capture).length > 0) {
        // Captures of the login step read the admin user (userid, username, ...).
        const users = await client.call('listUsers', { username: DEFAULT_ADMIN.username });
        const admin = Array.isArray(users) && isObject(users[0]) ? users[0] : {};
        captured = captureFrom(step, { ...admin, userid: admin.id ?? null });
      }
      return {
        status: changed ? 'changed' : 'ok',
        captured,
        simulated: client.simulated || undefined,
      };
    }
    const calls = prepareCalls(step, ctx.variables);
    const first = await ensureApiKeys(client, ctx.credentials, waitOpts);
    let changed = first.changed;
    let last: Json = null;
    for (const call of calls) {
      const outcome = await runCall(client, call, once);
      changed ||= outcome.changed;
      last = outcome.result;
    }
    const captured = captureFrom(step, last, calls.at(-1)?.text);
    for (const [k, v] of Object.entries(captured)) log(`  captured ${k}=${v}`);
    return {
      status: changed ? 'changed' : 'ok',
      captured,
      simulated: client.simulated || undefined,
    };
  } catch (err) {
    if (ctx.signal?.aborted)
      return fail(
        'interrupted',
        `step ${step.id} stopped: ${String(ctx.signal.reason ?? 'aborted')}; it runs again on resume (its objects are looked up first)`,
      );
    if (err instanceof StepInputError)
      return fail(err.missingCapture ? 'blocked' : 'failed', `step ${step.id}: ${err.message}`);
    if (err instanceof CloudStackError || err instanceof TransportError)
      return fail('failed', `step ${step.id}: ${err.message}`);
    return fail('failed', `step ${step.id}: ${(err as Error).message ?? String(err)}`);
  }
}
