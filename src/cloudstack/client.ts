// The installer's CloudStack API client: signed requests (or a login session for the first
// contact), JSON answers unwrapped, async jobs polled with backoff, transient failures
// retried with backoff and everything else reported once, clearly.
import { send, type HttpAnswer } from './http.ts';
import { signedQuery, canonicalQuery } from './signing.ts';
import {
  CloudStackError,
  OutcomeUnknownError,
  TransportError,
  isTransient,
  isSensitiveName,
  redact,
} from './errors.ts';
import { API_TIMING, hostOfUrl, isReadOnly, requestTimeoutMs } from './api-timing.ts';
import { startWait, type Progress } from './progress.ts';
import {
  envelope,
  throwIfError,
  unwrapInner,
  pendingJobId,
  isObject,
  type Json,
  type JsonObject,
} from './response.ts';
import { apiReference } from './api-reference.ts';

export interface ApiKeys {
  apiKey: string;
  secretKey: string;
}

export interface Backoff {
  /** First wait, doubled each time up to maxMs. */
  initialMs: number;
  maxMs: number;
}

export interface ClientOptions {
  /** `http://host:8080/client/api` (a bare `http://host:8080` gets `/client/api` added). */
  endpoint: string;
  keys?: ApiKeys;
  /** PEM file with the CA that signed the management server's certificate. */
  caFile?: string;
  log?: (line: string) => void;
  signal?: AbortSignal;
  /** Async job polling. */
  jobPoll?: Backoff;
  jobTimeoutMs?: number;
  /**
   * Retries of transient failures: any for read-only APIs (list/get/query); for the others
   * only failures that prove the request never reached the server (connection refused).
   */
  retry?: Backoff & { attempts: number };
  /** One timeout for every request, instead of the per-API ones of api-timing.ts. */
  requestTimeoutMs?: number;
  /** Factor on the per-API timeouts (tests run upstream's timing faster; 1 otherwise). */
  timeScale?: number;
  /** Long waits (a synchronous call upstream works on for minutes, an async job). */
  progress?: Progress;
  /** How often progress is reported while a wait lasts (default 5 s). */
  progressEveryMs?: number;
  /** Names of machines by address, for progress texts ("kvm1" rather than 172.16.10.3). */
  hostName?: (address: string) => string;
}

/** The header the test simulator puts on every answer; output is labelled when it is seen. */
export const SIMULATOR_HEADER = 'x-simulator';

export function normalizeEndpoint(endpoint: string): URL {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(`"${endpoint}" is not a URL; write it like http://172.16.10.2:8080/client/api`);
  }
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/client/api';
  url.search = '';
  return url;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason ?? new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export class CloudStackClient {
  readonly url: URL;
  private keys?: ApiKeys;
  private session?: { key: string; cookie: string };
  private readonly opts: ClientOptions;
  /** Set once an answer carried the simulator header: output must say so. */
  simulated = false;

  constructor(opts: ClientOptions) {
    this.opts = opts;
    this.url = normalizeEndpoint(opts.endpoint);
    this.keys = opts.keys;
  }

  get hasKeys(): boolean {
    return this.keys !== undefined;
  }

  useKeys(keys: ApiKeys): void {
    this.keys = keys;
  }

  private log(line: string): void {
    this.opts.log?.(redact(line, [this.keys?.secretKey ?? '', this.session?.key ?? '']));
  }

  private note(answer: HttpAnswer): void {
    if (answer.headers[SIMULATOR_HEADER] !== undefined) this.simulated = true;
  }

  private parse(api: string, answer: HttpAnswer): JsonObject {
    this.note(answer);
    let body: unknown;
    try {
      body = JSON.parse(answer.body);
    } catch {
      const transient = answer.status === 502 || answer.status === 503 || answer.status === 504;
      throw new TransportError(
        `${api}: HTTP ${answer.status} with a body that is not JSON (${answer.body.slice(0, 120).replace(/\s+/g, ' ')}); is the endpoint ${this.url.href} the CloudStack API?`,
        // 503: a proxy with no server behind it (nothing done); 502/504: the proxy lost the
        // server or stopped waiting for it, which may still be working on the request.
        { transient, delivered: answer.status === 502 || answer.status === 504 ? 'maybe' : 'no' },
      );
    }
    const inner = envelope(api, body);
    throwIfError(api, inner);
    if (answer.status >= 400) {
      throw new CloudStackError({
        api,
        errorCode: answer.status,
        errorText: `HTTP ${answer.status}`,
      });
    }
    return inner;
  }

  /** Log in with a user name and password; later calls use the session until keys are set. */
  async login(username: string, password: string, domain = '/'): Promise<JsonObject> {
    const body = canonicalQuery({ command: 'login', username, password, domain, response: 'json' });
    const answer = await send({
      method: 'POST',
      url: this.url,
      body,
      caFile: this.opts.caFile,
      signal: this.opts.signal,
      timeoutMs: this.timeoutFor('login'),
    });
    const inner = this.parse('login', answer);
    const setCookie = answer.headers['set-cookie'] ?? [];
    const cookies = (Array.isArray(setCookie) ? setCookie : [setCookie])
      .map((c) => c.split(';')[0]!)
      .filter(Boolean);
    // The session key is in the answer, and (newer CloudStack) also in a `sessionkey` cookie.
    const fromCookie = cookies
      .find((c) => c.startsWith('sessionkey='))
      ?.slice('sessionkey='.length);
    const key = typeof inner.sessionkey === 'string' ? inner.sessionkey : fromCookie;
    if (!key)
      throw new CloudStackError({
        api: 'login',
        errorCode: 530,
        errorText: 'the login answer carried no session key',
      });
    this.session = { key, cookie: cookies.join('; ') };
    this.log(`logged in as ${username}`);
    return inner;
  }

  async logout(): Promise<void> {
    if (!this.session) return;
    try {
      await this.request('logout', {});
    } finally {
      this.session = undefined;
    }
  }

  /** How long a request for this API may stay open. */
  timeoutFor(api: string): number {
    return this.opts.requestTimeoutMs ?? requestTimeoutMs(api, this.opts.timeScale ?? 1);
  }

  /** One HTTP request for an API; returns the envelope's inner object (errors thrown). */
  private async requestOnce(api: string, params: Record<string, string>): Promise<JsonObject> {
    const method = isReadOnly(api) ? 'GET' : 'POST';
    let query: string;
    const headers: Record<string, string> = {};
    if (this.keys) {
      query = signedQuery({ ...params, command: api }, this.keys.apiKey, this.keys.secretKey);
    } else if (this.session) {
      query = canonicalQuery({
        ...params,
        command: api,
        response: 'json',
        sessionkey: this.session.key,
      });
      headers.Cookie = this.session.cookie;
    } else {
      throw new Error(
        `${api}: no API keys and no login session; run the first-contact step (log in) first`,
      );
    }
    const url = new URL(this.url);
    let body: string | undefined;
    if (method === 'GET') url.search = query;
    else body = query;
    const sentAt = Date.now();
    try {
      const answer = await send({
        method,
        url,
        body,
        headers,
        caFile: this.opts.caFile,
        signal: this.opts.signal,
        timeoutMs: this.timeoutFor(api),
      });
      return this.parse(api, answer);
    } catch (err) {
      // A create that left but got no answer must not be sent again blindly: say so.
      if (err instanceof TransportError && err.delivered === 'maybe' && !isReadOnly(api))
        throw new OutcomeUnknownError(api, err, sentAt);
      throw err;
    }
  }

  /**
   * One API request with transient failures retried with backoff: any of them for read-only
   * APIs; for the others only when nothing reached the server (the caller decides the rest,
   * after looking at what is there: see create-once.ts).
   */
  async request(api: string, params: Record<string, string>): Promise<JsonObject> {
    const retry = this.opts.retry ?? { attempts: 4, initialMs: 1000, maxMs: 15_000 };
    let wait = retry.initialMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.requestOnce(api, params);
      } catch (err) {
        const safe = isReadOnly(api) || (err instanceof TransportError && err.delivered === 'no');
        if (!safe || !isTransient(err) || attempt >= retry.attempts) throw err;
        this.log(
          `${api}: ${(err as Error).message}; trying again in ${Math.round(wait / 100) / 10}s (attempt ${attempt + 1} of ${retry.attempts})`,
        );
        await sleep(wait, this.opts.signal);
        wait = Math.min(wait * 2, retry.maxMs);
      }
    }
  }

  /** Poll queryAsyncJobResult until the job is done (1), failed (2) or the wait is over. */
  async waitForJob(api: string, jobId: string): Promise<JsonObject> {
    const poll = this.opts.jobPoll ?? { initialMs: 500, maxMs: 5000 };
    const deadline = Date.now() + (this.opts.jobTimeoutMs ?? 30 * 60_000);
    let wait = poll.initialMs;
    // Most jobs end within seconds: only one that lasts is reported.
    const waiting = this.waitStarted(`${api}: job ${jobId} running`, false);
    try {
      for (;;) {
        const job = await this.request('queryAsyncJobResult', { jobid: jobId });
        if (job.jobstatus !== 0) return job;
        if (Date.now() + wait > deadline) {
          throw new CloudStackError({
            api,
            errorCode: 530,
            errorText: `job ${jobId} still pending after ${Math.round((this.opts.jobTimeoutMs ?? 1_800_000) / 1000)}s; look at the management server log (/var/log/cloudstack/management/management-server.log)`,
            transient: false,
          });
        }
        await sleep(wait, this.opts.signal);
        wait = Math.min(wait * 2, poll.maxMs);
      }
    } finally {
      waiting.stop();
    }
  }

  /** Report a wait as progress: now when `immediate`, else only once it lasts. */
  waitStarted(text: string, immediate: boolean): { stop: () => void } {
    return startWait(this.opts.progress, text, {
      everyMs: this.opts.progressEveryMs ?? 5000,
      immediate,
    });
  }

  /** What a synchronous call is waiting for, for progress lines. */
  private waitText(api: string, params: Record<string, string>): string {
    const timing = API_TIMING[api];
    const name = this.opts.hostName ?? ((a: string) => a);
    return timing
      ? `${api}: ${timing.waitingFor(params, name)}`
      : `${api}: waiting for CloudStack to answer${params.url ? ` (${hostOfUrl(params.url)})` : ''}`;
  }

  /** Call an API and return its unwrapped result (async jobs waited for). */
  async call(api: string, params: Record<string, string> = {}): Promise<Json> {
    this.log(`→ ${api}${describeParams(params)}`);
    // A call upstream works on for minutes reports progress at once; any other only if slow.
    const waiting = this.waitStarted(this.waitText(api, params), api in API_TIMING);
    let inner: JsonObject;
    try {
      inner = await this.request(api, params);
    } finally {
      waiting.stop();
    }
    const isAsync = apiReference().apis[api]?.async ?? false;
    const jobId = pendingJobId(inner);
    if (jobId && (isAsync || !('id' in inner) || Object.keys(inner).length <= 2)) {
      this.log(`  ${api}: job ${jobId} started`);
      const job = await this.waitForJob(api, jobId);
      return unwrapInner(api, job);
    }
    return unwrapInner(api, inner);
  }
}

/** ` name=Zone1 dns1=8.8.8.8` for logs, with secret parameters hidden. */
export function describeParams(params: Record<string, string>): string {
  const parts = Object.entries(params).map(([k, v]) =>
    isSensitiveName(k) ? `${k}=<redacted>` : `${k}=${/\s/.test(v) ? JSON.stringify(v) : v}`,
  );
  return parts.length ? ' ' + redact(parts.join(' ')) : '';
}

export function asObject(value: Json): JsonObject | undefined {
  return isObject(value) ? value : undefined;
}
