// One SSH connection per host (ssh2), reused for every program the run sends there. Host keys
// are always verified against the site's known_hosts file: there is deliberately no switch
// to turn that off.
import { readFileSync } from 'node:fs';
import { Client, type ConnectConfig } from 'ssh2';
import type { SshTarget } from '../plan/model.ts';
import {
  HostKeyError,
  algorithmsForKeyType,
  fingerprint,
  hostPattern,
  keyType,
  lookupHostKey,
  recordHostKey,
} from './known-hosts.ts';
import { LineSplitter } from './lines.ts';
import { buildPayload, remoteCommand } from './payload.ts';
import type { ExecRequest, ExecResult, Transport } from './types.ts';
import { TransportError } from './types.ts';

const BACKSTOP_SECONDS = 30;

export interface SshTransportOptions {
  /** Machine name, used in every message. */
  host: string;
  target: SshTarget;
  knownHostsFile: string;
  /** Asked on first contact only; a changed key never reaches it. */
  confirmHostKey: (host: string, fingerprint: string) => Promise<boolean>;
  /** Asked once when the site says to log in with a password. */
  askPassword?: (host: string) => Promise<string>;
  readyTimeoutSeconds?: number;
}

export class SshTransport implements Transport {
  readonly host: string;
  private readonly options: SshTransportOptions;
  private client: Client | undefined;
  private connecting: Promise<void> | undefined;
  private password: string | undefined;
  private lostReason: string | undefined;
  private closed = false;
  private lostBetweenPrograms = false;
  private closedByInstaller = false;
  private readonly running = new Set<(reason: string) => void>();

  constructor(options: SshTransportOptions) {
    this.options = options;
    this.host = options.host;
  }

  connect(): Promise<void> {
    this.connecting ??= this.open().catch((error: unknown) => {
      this.connecting = undefined;
      throw error;
    });
    return this.connecting;
  }

  private async open(): Promise<void> {
    const { target, host } = this.options;
    const where = `${target.user}@${target.host}:${target.port}`;
    const config: ConnectConfig = {
      host: target.host,
      port: target.port,
      username: target.user,
      readyTimeout: (this.options.readyTimeoutSeconds ?? 20) * 1000,
      keepaliveInterval: 10_000,
      keepaliveCountMax: 3,
    };
    if (target.identity) {
      try {
        config.privateKey = readFileSync(target.identity);
      } catch (error) {
        throw new TransportError(
          host,
          `cannot read the SSH key ${target.identity} for ${host}: ${(error as Error).message}`,
        );
      }
    }
    if (process.env.SSH_AUTH_SOCK) config.agent = process.env.SSH_AUTH_SOCK;
    if (target.password) {
      if (!this.options.askPassword)
        throw new TransportError(
          host,
          `${host} logs in with a password, but nobody can be asked for it`,
        );
      this.password ??= await this.options.askPassword(host);
      config.password = this.password;
    }
    if (!config.privateKey && !config.agent && !config.password) {
      throw new TransportError(
        host,
        `no way to log in to ${host}: set ssh.identity in the site file or start ssh-agent (SSH_AUTH_SOCK)`,
      );
    }

    const pattern = hostPattern(target.host, target.port);
    const known = lookupHostKey(this.options.knownHostsFile, pattern);
    if (known) config.algorithms = { serverHostKey: algorithmsForKeyType(known.type) as never };
    let keyProblem: Error | undefined;
    config.hostVerifier = (key: Buffer, verify: (ok: boolean) => void) => {
      const seen = fingerprint(key);
      if (known) {
        if (known.blob.equals(key)) return verify(true);
        keyProblem = new HostKeyError(
          host,
          `the host key of ${host} (${pattern}) has CHANGED: recorded ${fingerprint(known.blob)}, now ${seen}. ` +
            `Someone may be intercepting the connection, or the machine was reinstalled. ` +
            `If you trust the new key, remove the line for ${pattern} from ${this.options.knownHostsFile} and run again.`,
        );
        return verify(false);
      }
      this.options.confirmHostKey(host, seen).then(
        (ok) => {
          if (ok) {
            try {
              recordHostKey(this.options.knownHostsFile, pattern, { type: keyType(key), blob: key });
            } catch (error) {
              // A key that cannot be recorded (a full disk) is not accepted: the next run would
              // have nothing to compare with. Thrown here, it would crash the installer.
              keyProblem = new TransportError(
                host,
                `cannot record the host key of ${host} in ${this.options.knownHostsFile}: ${(error as Error).message}`,
              );
              return verify(false);
            }
          } else
            keyProblem = new HostKeyError(
              host,
              `the host key of ${host} (${pattern}, ${seen}) was not accepted`,
            );
          verify(ok);
        },
        (error: unknown) => {
          keyProblem = error as Error;
          verify(false);
        },
      );
    };

    const client = new Client();
    await new Promise<void>((resolve, reject) => {
      client.once('ready', () => resolve());
      client.once('error', (error: Error) => {
        if (keyProblem) return reject(keyProblem);
        const auth = /authentication methods failed/i.test(error.message)
          ? ' (check ssh.user and ssh.identity in the site file, or the keys in ssh-agent)'
          : '';
        reject(
          new TransportError(host, `cannot connect to ${host} (${where}): ${error.message}${auth}`),
        );
      });
      client.connect(config);
    });
    client.on('error', (error: Error) => {
      if (this.client === client)
        this.lost(`connection to ${host} (${where}) was lost: ${error.message}`);
    });
    client.on('close', () => {
      if (this.client !== client) return;
      this.closed = true;
      this.lost(`connection to ${host} (${where}) was closed`);
    });
    this.client = client;
  }

  private lost(reason: string): void {
    this.lostReason ??= reason;
    // Lost while nothing ran (a reboot, a network blip between steps): the next program may
    // safely open a new connection. Lost mid-program: that program's step fails.
    if (this.running.size === 0 && !this.closedByInstaller) this.lostBetweenPrograms = true;
    for (const fail of this.running) fail(reason);
  }

  async exec(request: ExecRequest): Promise<ExecResult> {
    if (this.lostReason && this.lostBetweenPrograms) {
      this.client = undefined;
      this.connecting = undefined;
      this.lostReason = undefined;
      this.lostBetweenPrograms = false;
      this.closed = false;
    }
    await this.connect();
    const client = this.client!;
    if (this.lostReason) throw new TransportError(this.host, this.lostReason);
    const { bootstrap, stdin } = buildPayload(request);
    const sudoPassword = this.options.target.user !== 'root' && this.password !== undefined;
    const command = remoteCommand(bootstrap, this.options.target.user, sudoPassword);
    const input = sudoPassword ? Buffer.concat([Buffer.from(this.password + '\n'), stdin]) : stdin;

    return new Promise<ExecResult>((resolve, reject) => {
      let settled = false;
      const fail = (reason: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(backstop);
        this.running.delete(fail);
        reject(new TransportError(this.host, reason));
      };
      this.running.add(fail);
      const backstop = setTimeout(
        () =>
          fail(`${this.host} did not answer within ${request.timeoutSeconds + BACKSTOP_SECONDS} s`),
        (request.timeoutSeconds + BACKSTOP_SECONDS) * 1000,
      );
      client.exec(command, (error, channel) => {
        if (error) return fail(`cannot start a program on ${this.host}: ${error.message}`);
        const out = new LineSplitter((line) => request.onLine?.('stdout', line));
        const err = new LineSplitter((line) => request.onLine?.('stderr', line));
        let exit: number | undefined;
        channel.on('data', (chunk: Buffer) => out.push(chunk));
        channel.stderr.on('data', (chunk: Buffer) => err.push(chunk));
        channel.on('exit', (code: number | null, signal?: string) => {
          exit = code ?? (signal ? 128 + (signalNumbers[signal] ?? 0) : 255);
        });
        channel.on('close', () => {
          out.end();
          err.end();
          if (settled) return;
          if (exit === undefined)
            return fail(
              this.lostReason ?? `connection to ${this.host} was lost while a program ran`,
            );
          settled = true;
          clearTimeout(backstop);
          this.running.delete(fail);
          resolve({ exitCode: exit, timedOut: exit === 124 });
        });
        channel.end(input);
      });
    });
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.connecting = undefined;
    this.closedByInstaller = true;
    if (!client || this.closed) return;
    this.lostReason ??= `connection to ${this.host} was closed by the installer`;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2000);
      client.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      client.end();
    });
  }
}

const signalNumbers: Record<string, number> = { HUP: 1, INT: 2, KILL: 9, TERM: 15, PIPE: 13 };
