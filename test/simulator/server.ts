// A CloudStack API simulator for tests and demos (node:http on 127.0.0.1). It authenticates,
// validates and answers like a management server: in upstream's timing (test/simulator/
// timing.ts: synchronous calls held open for as long as upstream works inside them, async
// calls as jobs), with upstream's error codes and texts, and lets a test inject failures.
// Every answer carries `X-Simulator: cloudstack-runbook` so nothing mistakes it for a real
// CloudStack.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { Cloud, type Delays } from './model.ts';
import { scaledTiming } from './timing.ts';
import { Sessions, authenticate, cookieValue } from './auth.ts';
import { ApiFault, HANDLERS, REFERENCE, type Answer } from './apis.ts';

export const SIMULATOR_HEADER = 'X-Simulator';
export const SIMULATOR_NAME = 'cloudstack-runbook';

/** Parameters every API takes besides its own. */
const TRANSPORT_PARAMS = new Set([
  'command',
  'response',
  'apikey',
  'signature',
  'sessionkey',
  'signatureversion',
  'expires',
  '_',
]);

/**
 * Where the reference (cloudstack-go's generated client) names a parameter differently from
 * upstream: its listStorageProviders takes `storagePoolType` (Go's name for it), while
 * upstream's ListStorageProvidersCmd names the parameter `type` and requires it.
 */
const PARAM_FIXES: Record<string, { async: boolean; required: string[]; optional: string[] }> = {
  listStorageProviders: {
    async: false,
    required: ['type'],
    optional: ['keyword', 'page', 'pagesize'],
  },
};

export interface Faults {
  /** Answer this API with an error `times` times (default: always). */
  errors: { api: string; code: number; text: string; times?: number }[];
  /** The async job of this API ends failed with this text. */
  failJobs: Record<string, string>;
  /** Delay answers of this API by so many ms. */
  slow: Record<string, number>;
  /**
   * Drop the connection of this API's request `afterMs` after it arrived (default at once),
   * `times` times (default: once). The simulated server goes on and does the work, as a real
   * management server does when a client, proxy or network loses the connection.
   */
  drop: { api: string; afterMs?: number; times?: number }[];
  /** Runs when a valid request arrives, before it is worked on (another client getting there first). */
  onRequest?: (api: string, params: Record<string, string>) => void;
}

export interface SimulatorOptions {
  port?: number;
  host?: string;
  /** Upstream's timing times this factor (test/simulator/timing.ts), or a whole profile. */
  timing?: number | Delays;
  /** Single figures over the timing (tests that need one part quicker or slower). */
  delays?: Partial<Delays>;
}

export interface Simulator {
  /** `http://127.0.0.1:PORT/client/api` */
  endpoint: string;
  port: number;
  cloud: Cloud;
  faults: Faults;
  /**
   * Every request seen: API name, auth kind, when it came (ms since the simulator started)
   * and whether its connection was dropped on purpose.
   */
  requests: {
    api: string;
    method: string;
    auth: 'signed' | 'session' | 'none';
    at: number;
    dropped?: boolean;
  }[];
  /** What upstream's management server log would warn about (unknown parameters). */
  warnings: string[];
  close(): Promise<void>;
}

interface Job {
  id: string;
  api: string;
  userId: string;
  accountId: string;
  status: 0 | 1 | 2;
  result?: Record<string, unknown>;
  resultCode: number;
  created: string;
  completed?: string;
}

function iso(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, '+0000');
}

function answerBody(answer: Answer): Record<string, unknown> {
  if (answer.kind === 'flat') return answer.value;
  if (answer.kind === 'object') return { [answer.key]: answer.value };
  return answer.items.length ? { count: answer.items.length, [answer.key]: answer.items } : {};
}

async function readParams(req: IncomingMessage, url: URL): Promise<Record<string, string>> {
  const params: Record<string, string> = {};
  for (const [k, v] of url.searchParams) params[k] = v;
  if (req.method === 'POST') {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    for (const [k, v] of new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) params[k] = v;
  }
  return params;
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const base = typeof opts.timing === 'number' ? scaledTiming(opts.timing) : opts.timing;
  const cloud = new Cloud({ ...base, ...opts.delays });
  const sessions = new Sessions();
  const jobs = new Map<string, Job>();
  const faults: Faults = { errors: [], failJobs: {}, slow: {}, drop: [] };
  const requests: Simulator['requests'] = [];
  const warnings: string[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const startedAt = Date.now();
  const waiting = new Set<() => void>();
  let closed = false;

  /** Time passing inside a call; a closed simulator ends every wait (the call then stops). */
  function wait(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      if (closed) return reject(new Error('simulator closed'));
      const stop = () => {
        clearTimeout(timer);
        reject(new Error('simulator closed'));
      };
      const timer = setTimeout(() => {
        timers.delete(timer);
        waiting.delete(stop);
        resolve();
      }, ms);
      timers.add(timer);
      waiting.add(stop);
    });
  }

  function send(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string | string[]> = {},
  ): void {
    // A dropped connection gets no answer; the work behind it was done all the same.
    if (res.destroyed || res.socket?.destroyed) return;
    res.writeHead(status, {
      'Content-Type': 'application/json; charset=UTF-8',
      [SIMULATOR_HEADER]: SIMULATOR_NAME,
      ...headers,
    });
    res.end(JSON.stringify(body));
  }
  const envelopeKey = (api: string) => `${api.toLowerCase()}response`;
  function fail(res: ServerResponse, api: string, code: number, text: string, csCode = 9999): void {
    send(res, code, {
      [envelopeKey(api || 'error')]: {
        uuidList: [],
        errorcode: code,
        cserrorcode: csCode,
        errortext: text,
      },
    });
  }

  function runJob(api: string, params: Record<string, string>, user: Cloud['users'][number]): Job {
    const job: Job = {
      id: randomUUID(),
      api,
      userId: user.id,
      accountId: user.accountid,
      status: 0,
      resultCode: 0,
      created: iso(),
    };
    jobs.set(job.id, job);
    // models AsyncJobManagerImpl: the job runs on its own after the first answer went out.
    void (async () => {
      try {
        await wait(cloud.delays.jobMs);
      } catch {
        return; // the simulator closed
      }
      const injected = faults.failJobs[api];
      try {
        if (injected !== undefined) throw new ApiFault(530, injected, 4250);
        cloud.advance();
        job.result = answerBody(await HANDLERS[api]!({ cloud, user, api, params, sessions, wait }));
        job.status = 1;
      } catch (err) {
        const fault =
          err instanceof ApiFault ? err : new ApiFault(530, (err as Error).message, 9999);
        job.status = 2;
        job.resultCode = 530;
        job.result = { errorcode: fault.code, cserrorcode: fault.csCode, errortext: fault.message };
      }
      job.completed = iso();
    })();
    return job;
  }

  function jobAnswer(job: Job): Record<string, unknown> {
    return {
      accountid: job.accountId,
      userid: job.userId,
      cmd: `org.apache.cloudstack.api.command.admin.${job.api}Cmd`,
      jobstatus: job.status,
      jobprocstatus: 0,
      jobresultcode: job.resultCode,
      jobresulttype: 'object',
      ...(job.status === 0 ? {} : { jobresult: job.result }),
      created: job.created,
      ...(job.completed && job.status !== 0 ? { completed: job.completed } : {}),
      jobid: job.id,
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    if (url.pathname !== '/client/api') {
      res.writeHead(404, { 'Content-Type': 'text/html', [SIMULATOR_HEADER]: SIMULATOR_NAME });
      res.end(
        '<html><body>404 Not Found (CloudStack API simulator: the API is at /client/api)</body></html>',
      );
      return;
    }
    const params = await readParams(req, url);
    const api = params.command ?? '';
    const slow = faults.slow[api];
    if (slow) await new Promise((r) => setTimeout(r, slow));

    if (api === 'login') {
      requests.push({ api, method: req.method ?? 'GET', auth: 'none', at: Date.now() - startedAt });
      if (req.method !== 'POST')
        return fail(res, api, 405, 'Please use HTTP POST to authenticate using username/password');
      const user = cloud.users.find((u) => u.username === params.username);
      const domain = params.domain ?? '/';
      if (
        !user ||
        user.password !== params.password ||
        !['/', 'ROOT', '/ROOT', ''].includes(domain.replace(/\/$/, '') || '/')
      ) {
        return fail(
          res,
          api,
          531,
          `Failed to authenticate user ${params.username ?? ''} in domain 1; please provide valid credentials`,
          9999,
        );
      }
      const session = sessions.open(user);
      return send(
        res,
        200,
        {
          loginresponse: {
            username: user.username,
            userid: user.id,
            domainid: user.domainid,
            timeout: 1800,
            account: 'admin',
            firstname: 'admin',
            lastname: 'cloud',
            type: '1',
            timezone: 'UTC',
            timezoneoffset: '0.0',
            registered: 'false',
            sessionkey: session.key,
            is2faenabled: 'false',
            is2faverified: 'true',
          },
        },
        {
          'Set-Cookie': [
            `JSESSIONID=${session.id}; Path=/client; HttpOnly`,
            `sessionkey=${session.key}; Path=/client`,
          ],
        },
      );
    }

    const user = authenticate(cloud, sessions, params, req.headers.cookie);
    const lowered = Object.keys(params).map((k) => k.toLowerCase());
    const seen: Simulator['requests'][number] = {
      api,
      method: req.method ?? 'GET',
      auth: lowered.includes('sessionkey')
        ? 'session'
        : lowered.includes('signature')
          ? 'signed'
          : 'none',
      at: Date.now() - startedAt,
    };
    requests.push(seen);
    if (!user)
      return fail(res, api, 401, 'unable to verify user credentials and/or request signature');
    if (api === 'logout') {
      const id = cookieValue(req.headers.cookie, 'JSESSIONID');
      if (id) sessions.close(id);
      return send(res, 200, { logoutresponse: { description: 'success' } });
    }
    const spec = PARAM_FIXES[api] ?? REFERENCE.apis[api];
    const handler = HANDLERS[api];
    if (!spec || (!handler && api !== 'queryAsyncJobResult')) {
      return fail(
        res,
        api,
        432,
        `The given command:${api} does not exist or it is not available for user with id:${user.id}`,
      );
    }
    const accepted = new Set([...spec.required, ...spec.optional].map((p) => p.toLowerCase()));
    // Upstream's ParamGenericValidationWorker only logs parameters a command does not know
    // ("Received unknown parameters for command ...") and the command never sees them.
    const unknown = Object.keys(params).filter((key) => {
      const base = key.split('[')[0]!.toLowerCase();
      return !TRANSPORT_PARAMS.has(base) && !accepted.has(base);
    });
    if (unknown.length)
      warnings.push(
        `Received unknown parameters for command ${api}. Unknown parameters : ${unknown.join(' ')}`,
      );
    for (const required of spec.required) {
      if (
        !Object.keys(params).some(
          (k) => k.split('[')[0]!.toLowerCase() === required.toLowerCase(),
        ) ||
        params[required] === ''
      ) {
        return fail(
          res,
          api,
          431,
          `Unable to execute API command ${api.toLowerCase()} due to missing parameter ${required}`,
          4350,
        );
      }
    }
    const injected = faults.errors.find(
      (f) => f.api === api && (f.times === undefined || f.times > 0),
    );
    if (injected) {
      if (injected.times !== undefined) injected.times--;
      return fail(res, api, injected.code, injected.text, injected.code === 530 ? 4250 : 9999);
    }
    if (api === 'queryAsyncJobResult') {
      const job = jobs.get(params.jobid!);
      if (!job)
        return fail(
          res,
          api,
          431,
          `Unable to execute API command queryasyncjobresult due to invalid value. Invalid parameter jobid value=${params.jobid}`,
          4350,
        );
      return send(res, 200, { queryasyncjobresultresponse: jobAnswer(job) });
    }
    const own: Record<string, string> = {};
    for (const [k, v] of Object.entries(params))
      if (!TRANSPORT_PARAMS.has(k.toLowerCase()) && !unknown.includes(k)) own[k] = v;
    faults.onRequest?.(api, own);
    const drop = faults.drop.find((f) => f.api === api && (f.times ?? 1) > 0);
    if (drop) {
      drop.times = (drop.times ?? 1) - 1;
      seen.dropped = true;
      const cut = () => req.socket.destroy();
      if (drop.afterMs) void wait(drop.afterMs).then(cut, () => {});
      else cut();
    }
    if (spec.async) {
      const job = runJob(api, own, user);
      return send(res, 200, { [envelopeKey(api)]: { jobid: job.id } });
    }
    try {
      // models ApiServer.queueCommand → ApiDispatcher.dispatch: a BaseCmd runs in the request
      // thread and answers when its work is done (database work, or minutes: apis-slow.ts).
      await wait(cloud.delays.quickMs);
      cloud.advance();
      const answer = await handler!({ cloud, user, api, params: own, sessions, wait });
      send(res, 200, { [envelopeKey(api)]: answerBody(answer) });
    } catch (err) {
      if (closed) return;
      if (err instanceof ApiFault) return fail(res, api, err.code, err.message, err.csCode);
      return fail(res, api, 530, (err as Error).message);
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      if (!res.headersSent) fail(res, '', 530, `simulator fault: ${err.message}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://${opts.host ?? '127.0.0.1'}:${port}/client/api`,
    port,
    cloud,
    faults,
    requests,
    warnings,
    close: () =>
      new Promise<void>((resolve) => {
        closed = true;
        for (const stop of waiting) stop();
        for (const t of timers) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
