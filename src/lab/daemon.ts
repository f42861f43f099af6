// A lab relay process: `node src/lab/daemon.ts CONFIG.json`. The lab runs two of them: one in
// the host's namespace (loopback SSH/API ports, and the archive proxy) and one inside the lab
// namespace (`ip netns exec`, reaching the VMs and answering the gateway's proxy ports).
// When every listener is up it writes CONFIG.readyFile with the ports it got, then runs until
// it is signalled.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createArchiveProxy } from './archive-proxy.ts';
import { startRelay, describeEndpoint } from './relay.ts';
import type { Endpoint } from './relay.ts';

export interface DaemonConfig {
  relays: { name: string; from: Endpoint; to: Endpoint | 'archive-proxy' }[];
  readyFile: string;
}

export interface DaemonReady {
  pid: number;
  /** relay name → TCP port it listens on (for `port: 0` listeners, the port the system chose). */
  ports: Record<string, number>;
}

async function main(configFile: string): Promise<void> {
  const config = JSON.parse(readFileSync(configFile, 'utf8')) as DaemonConfig;
  const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);
  const proxy = createArchiveProxy({ log });
  const ports: Record<string, number> = {};
  for (const relay of config.relays) {
    const to = relay.to;
    const server = await startRelay(
      relay.from,
      to === 'archive-proxy' ? (socket) => proxy.emit('connection', socket) : to,
      log,
    );
    const address = server.address();
    if (address && typeof address !== 'string') ports[relay.name] = (address as AddressInfo).port;
    log(
      `${relay.name}: ${describeEndpoint(relay.from)} -> ${to === 'archive-proxy' ? 'archive proxy' : describeEndpoint(to)}`,
    );
  }
  const ready: DaemonReady = { pid: process.pid, ports };
  writeFileSync(`${config.readyFile}.tmp`, JSON.stringify(ready));
  renameSync(`${config.readyFile}.tmp`, config.readyFile);
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const)
    process.on(signal, () => process.exit(0));
}

const configFile = process.argv[2];
if (!configFile) {
  process.stderr.write('usage: node src/lab/daemon.ts CONFIG.json\n');
  process.exit(2);
}
main(configFile).catch((error: unknown) => {
  process.stderr.write(`lab relay: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
