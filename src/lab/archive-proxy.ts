// The only way out of the lab: an HTTP proxy that forwards requests for Debian's archive
// (http://deb.debian.org/debian and /debian-security) and refuses everything else before
// opening any connection. It takes both proxy requests (absolute URL) and plain requests
// with `Host: deb.debian.org` (the VMs resolve that name to the lab gateway), and refuses
// CONNECT, so no tunnel to any other address can exist.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const ARCHIVE_HOST = 'deb.debian.org';
const ALLOWED_PATHS = ['/debian/', '/debian-security/'];
// Hop-by-hop headers (RFC 9110 section 7.6.1) never travel past a proxy.
const HOP_BY_HOP = new Set([
  'connection',
  'proxy-connection',
  'keep-alive',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

export type ArchiveDecision = { allowed: true; path: string } | { allowed: false; reason: string };

/** Whether a request may go to the archive, from its request line and Host header alone. */
export function decideArchiveRequest(
  method: string,
  url: string,
  hostHeader: string | undefined,
): ArchiveDecision {
  if (method !== 'GET' && method !== 'HEAD')
    return {
      allowed: false,
      reason: `${method} is not allowed; the lab only fetches packages (GET, HEAD)`,
    };
  let target: URL;
  try {
    target = /^[a-z]+:\/\//i.test(url) ? new URL(url) : new URL(url, `http://${hostHeader ?? ''}`);
  } catch {
    return { allowed: false, reason: `cannot read the address ${JSON.stringify(url)}` };
  }
  if (target.protocol !== 'http:')
    return {
      allowed: false,
      reason: `${target.protocol} is not allowed; the lab proxies http only`,
    };
  if (
    target.hostname.toLowerCase() !== ARCHIVE_HOST ||
    (target.port !== '' && target.port !== '80')
  ) {
    return {
      allowed: false,
      reason: `${target.host} is outside the lab; only ${ARCHIVE_HOST} (Debian's archive) is reachable`,
    };
  }
  if (!ALLOWED_PATHS.some((p) => target.pathname.startsWith(p))) {
    return {
      allowed: false,
      reason: `${target.pathname} is not part of Debian's archive (${ALLOWED_PATHS.join(', ')})`,
    };
  }
  return { allowed: true, path: target.pathname + target.search };
}

export interface ArchiveProxyOptions {
  /** Where allowed requests go; tests point this at a local server. */
  upstream?: { host: string; port: number };
  log?: (line: string) => void;
}

export function createArchiveProxy(options: ArchiveProxyOptions = {}): http.Server {
  const upstream = options.upstream ?? { host: ARCHIVE_HOST, port: 80 };
  const log = options.log ?? (() => {});
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

  const server = http.createServer((req, res) => {
    const method = req.method ?? 'GET';
    const decision = decideArchiveRequest(method, req.url ?? '/', req.headers.host);
    if (!decision.allowed) {
      log(`refused ${method} ${req.url}: ${decision.reason}`);
      res.writeHead(403, { 'content-type': 'text/plain' }).end(`runbook lab: ${decision.reason}\n`);
      return;
    }
    const headers: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers))
      if (!HOP_BY_HOP.has(name)) headers[name] = value;
    headers.host = ARCHIVE_HOST;
    const outgoing = http.request(
      { host: upstream.host, port: upstream.port, method, path: decision.path, headers, agent },
      (answer) => {
        const back: http.OutgoingHttpHeaders = {};
        for (const [name, value] of Object.entries(answer.headers))
          if (!HOP_BY_HOP.has(name)) back[name] = value;
        res.writeHead(answer.statusCode ?? 502, back);
        answer.pipe(res);
        answer.on('end', () => log(`${answer.statusCode} ${method} ${decision.path}`));
      },
    );
    outgoing.on('error', (error) => {
      log(`failed ${method} ${decision.path}: ${error.message}`);
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`runbook lab: ${ARCHIVE_HOST} did not answer: ${error.message}\n`);
    });
    req.pipe(outgoing);
  });
  server.on('connect', (req, socket) => {
    log(`refused CONNECT ${req.url}`);
    socket.end(
      `HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\n\r\nrunbook lab: tunnels are not allowed; only http://${ARCHIVE_HOST} is reachable\n`,
    );
  });
  server.on('close', () => agent.destroy());
  return server;
}

export function listeningPort(server: { address(): AddressInfo | string | null }): number {
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('server is not listening on TCP');
  return address.port;
}
