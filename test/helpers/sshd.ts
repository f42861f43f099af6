// Real OpenSSH servers on loopback, one per fake host, for the executor's tests and benchmark.
// Each has its own host key, config and directory; the client key is made once per test run.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
  existsSync,
} from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SSHD = '/usr/sbin/sshd';

export interface ClientKey {
  dir: string;
  privateKey: string;
  publicKey: string;
}

/** An ed25519 key pair for the installer side, in a fresh 0700 directory. */
export function makeClientKey(): ClientKey {
  const dir = mkdtempSync(join(tmpdir(), 'rb-client-'));
  const privateKey = join(dir, 'id_ed25519');
  execFileSync('ssh-keygen', [
    '-q',
    '-t',
    'ed25519',
    '-N',
    '',
    '-C',
    'runbook-test',
    '-f',
    privateKey,
  ]);
  return { dir, privateKey, publicKey: readFileSync(`${privateKey}.pub`, 'utf8') };
}

/** A port nobody listens on right now (the kernel picks; we release it at once). */
export function freePort(address = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, address, () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

function waitForPort(address: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = connect(port, address);
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`sshd on ${address}:${port} did not start`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

/** Every process below `pid` (children, grandchildren ...), read from /proc. */
export function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parent.set(Number(entry), ppid);
    } catch {
      // the process ended while we looked
    }
  }
  const found: number[] = [];
  const walk = (p: number) => {
    for (const [child, pp] of parent)
      if (pp === p) {
        found.push(child);
        walk(child);
      }
  };
  walk(pid);
  return found;
}

export class FakeHost {
  readonly name: string;
  readonly address: string;
  port = 0;
  readonly dir: string;
  private process: ChildProcess | undefined;
  private readonly authorizedKey: string;

  /** Extra sshd_config lines (e.g. `PasswordAuthentication yes`). */
  readonly extraConfig: string[];

  constructor(name: string, address: string, authorizedKey: string, extraConfig: string[] = []) {
    this.extraConfig = extraConfig;
    this.name = name;
    this.address = address;
    this.authorizedKey = authorizedKey;
    this.dir = mkdtempSync(join(tmpdir(), `rb-sshd-${name}-`));
    this.newHostKey();
    // sshd reads authorized keys as the logging-in user: readable by all (public keys only).
    chmodSync(this.dir, 0o755);
    writeFileSync(join(this.dir, 'authorized_keys'), authorizedKey, { mode: 0o644 });
    mkdirSync(join(this.dir, 'root'), { mode: 0o755 });
  }

  /** Replace the host key (as a reinstalled machine, or an impostor, would have). */
  newHostKey(): void {
    const key = join(this.dir, 'ssh_host_ed25519_key');
    rmSync(key, { force: true });
    rmSync(`${key}.pub`, { force: true });
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
  }

  private writeConfig(): string {
    const file = join(this.dir, 'sshd_config');
    writeFileSync(
      file,
      [
        `Port ${this.port}`,
        `ListenAddress ${this.address}`,
        `HostKey ${join(this.dir, 'ssh_host_ed25519_key')}`,
        `PidFile ${join(this.dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${join(this.dir, 'authorized_keys')}`,
        'PermitRootLogin prohibit-password',
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        'MaxSessions 50',
        'MaxStartups 50:30:100',
        'LogLevel ERROR',
        // Each fake host has its own home for root, like a fresh Debian install, instead of
        // whatever the machine running the tests keeps in /root/.bashrc.
        `SetEnv HOME=${join(this.dir, 'root')}`,
        ...(this.extraConfig.some((l) => l.startsWith('PasswordAuthentication'))
          ? []
          : ['PasswordAuthentication no']),
        ...this.extraConfig,
        '',
      ].join('\n'),
    );
    return file;
  }

  async start(): Promise<void> {
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    if (this.port === 0) this.port = await freePort(this.address);
    const config = this.writeConfig();
    const child = spawn(SSHD, ['-D', '-e', '-f', config, '-o', 'StrictModes=no'], {
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    this.process = child;
    try {
      await waitForPort(this.address, this.port, 10_000);
    } catch (error) {
      throw new Error(`${(error as Error).message}: ${stderr}`, { cause: error });
    }
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  /** Kill the server and every session it runs (as a crashed or rebooted host would). */
  kill(): void {
    const pid = this.process?.pid;
    if (!pid) return;
    for (const p of [pid, ...descendants(pid)]) {
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    this.process = undefined;
  }

  async restart(): Promise<void> {
    this.kill();
    await new Promise((r) => setTimeout(r, 100));
    await this.start();
  }

  cleanup(): void {
    this.kill();
    if (existsSync(this.dir)) rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Start `count` fake hosts on 127.0.0.(base+i), each with its own sshd. */
export async function startHosts(names: string[], key: ClientKey, base = 20): Promise<FakeHost[]> {
  const hosts = names.map((name, i) => new FakeHost(name, `127.0.0.${base + i}`, key.publicKey));
  await Promise.all(hosts.map((h) => h.start()));
  return hosts;
}

/** Several fake hosts sharing one client key, stopped together. */
export interface Cluster {
  key: ClientKey;
  hosts: FakeHost[];
  stop(): void;
}

export async function startCluster(names: string[], base: number): Promise<Cluster> {
  const key = makeClientKey();
  const hosts = await startHosts(names, key, base);
  return {
    key,
    hosts,
    stop() {
      for (const h of hosts) h.cleanup();
      rmSync(key.dir, { recursive: true, force: true });
    },
  };
}
