// One HTTP exchange with the management server. node:http/https so an operator-named CA file
// can be trusted; certificate verification stays on for https (there is no switch to turn
// it off, on purpose).
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { readFileSync } from 'node:fs';
import { DEFAULT_REQUEST_TIMEOUT_MS } from './api-timing.ts';
import { TransportError } from './errors.ts';

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface HttpOptions {
  method: 'GET' | 'POST';
  url: URL;
  body?: string;
  headers?: Record<string, string>;
  caFile?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Failures before a connection existed: the request never reached the server. */
const NOT_DELIVERED = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
]);

const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
]);

const caCache = new Map<string, Buffer>();

function caFor(file: string): Buffer {
  let ca = caCache.get(file);
  if (!ca) {
    try {
      ca = readFileSync(file);
    } catch (err) {
      throw new TransportError(
        `cannot read the CA file ${file}: ${(err as Error).message}; name a PEM file the management server's certificate chains to`,
        { transient: false },
      );
    }
    caCache.set(file, ca);
  }
  return ca;
}

export function send(opts: HttpOptions): Promise<HttpAnswer> {
  const isHttps = opts.url.protocol === 'https:';
  if (!isHttps && opts.url.protocol !== 'http:') {
    return Promise.reject(
      new TransportError(
        `unsupported endpoint scheme ${opts.url.protocol} (use http:// or https://)`,
        { transient: false },
      ),
    );
  }
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
    if (opts.body !== undefined) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      headers['Content-Length'] = String(Buffer.byteLength(opts.body));
    }
    const common = {
      method: opts.method,
      headers,
      signal: opts.signal,
      timeout: opts.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    };
    const limit = Math.round((opts.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS) / 1000);
    const req = isHttps
      ? httpsRequest(opts.url, {
          ...common,
          ...(opts.caFile ? { ca: caFor(opts.caFile) } : {}),
          rejectUnauthorized: true,
        })
      : httpRequest(opts.url, common);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', (err) =>
        reject(
          new TransportError(`reading the answer from ${opts.url.host}: ${err.message}`, {
            transient: true,
            delivered: 'maybe',
          }),
        ),
      );
    });
    req.on('timeout', () =>
      req.destroy(Object.assign(new Error(`no answer within ${limit}s`), { code: 'ETIMEDOUT' })),
    );
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.name === 'AbortError') return reject(err);
      const code = err.code;
      const transient = code !== undefined && TRANSIENT_CODES.has(code);
      const tlsProblem = !!(code?.startsWith('ERR_TLS') || code?.includes('CERT'));
      const hint =
        code === 'ECONNREFUSED'
          ? ' (is cloudstack-management running and listening?)'
          : tlsProblem
            ? ' (the certificate is not trusted: name the CA file that signed it)'
            : '';
      reject(
        new TransportError(`cannot reach ${opts.url.host}: ${err.message}${hint}`, {
          transient,
          code,
          // A refused or unroutable connection carried nothing; a reset, a hang-up or a
          // timeout came after the request left, so the server may be working on it.
          delivered: code !== undefined && (NOT_DELIVERED.has(code) || tlsProblem) ? 'no' : 'maybe',
        }),
      );
    });
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}
