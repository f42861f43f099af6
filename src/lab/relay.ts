// Byte relays between a listening endpoint and a target endpoint, either of which may be TCP or
// a Unix socket. Unix sockets are how the lab crosses from the host's network namespace into
// the lab's: the namespace has no route, no veth and no address outside 172.16.10.0/24, so
// nothing in it can reach an outside address; only these relays carry bytes across.
import net from 'node:net';
import { rmSync } from 'node:fs';

export type Endpoint = { tcp: { host: string; port: number } } | { unix: string };

export function describeEndpoint(endpoint: Endpoint): string {
  return 'unix' in endpoint ? `unix:${endpoint.unix}` : `${endpoint.tcp.host}:${endpoint.tcp.port}`;
}

function connectTo(target: Endpoint): net.Socket {
  // Half-open sockets let a client's end-of-input travel across while answers still come back.
  return 'unix' in target
    ? net.connect({ path: target.unix, allowHalfOpen: true })
    : net.connect({ port: target.tcp.port, host: target.tcp.host, allowHalfOpen: true });
}

/** Accept on `from`, and for each connection open one to `to` and pipe both ways. */
export function startRelay(
  from: Endpoint,
  to: Endpoint | ((socket: net.Socket) => void),
  log: (line: string) => void = () => {},
): Promise<net.Server> {
  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    if (typeof to === 'function') return to(client);
    const target = connectTo(to);
    const closeBoth = () => {
      client.destroy();
      target.destroy();
    };
    client.on('error', closeBoth);
    target.on('error', (error) => {
      log(`relay to ${describeEndpoint(to)} failed: ${error.message}`);
      closeBoth();
    });
    client.pipe(target).pipe(client);
    // pipe() ends each side's output when the other side's input ends; a socket closes itself
    // once both directions are done, so half-open sessions finish cleanly.
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    if ('unix' in from) {
      rmSync(from.unix, { force: true });
      server.listen(from.unix, () => resolve(server));
    } else {
      server.listen(from.tcp.port, from.tcp.host, () => resolve(server));
    }
  });
}
