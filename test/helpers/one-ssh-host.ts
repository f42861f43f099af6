// One loopback sshd and SSH transports to it, for the tests of the transport itself: started
// before the file's tests, removed (server, key, known_hosts) after them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { SshTransport } from '../../src/transport/ssh.ts';
import { FakeHost, makeClientKey, type ClientKey } from './sshd.ts';

export interface OneSshHost {
  /** The running server (kill and start it to break connections). */
  host: () => FakeHost;
  /** A new transport to it, as root with the test key, trusting its key on first contact. */
  transport: () => SshTransport;
}

export function useOneSshHost(name: string, address: string): OneSshHost {
  let key: ClientKey;
  let host: FakeHost;
  let work: string;
  beforeAll(async () => {
    key = makeClientKey();
    host = new FakeHost(name, address, key.publicKey);
    await host.start();
    work = mkdtempSync(join(tmpdir(), `rb-${name}-`));
  });
  afterAll(() => {
    host?.cleanup();
    if (work) rmSync(work, { recursive: true, force: true });
    if (key) rmSync(key.dir, { recursive: true, force: true });
  });
  return {
    host: () => host,
    transport: () =>
      new SshTransport({
        host: name,
        target: { host: host.address, port: host.port, user: 'root', identity: key.privateKey },
        knownHostsFile: join(work, 'known_hosts'),
        confirmHostKey: async () => true,
      }),
  };
}
