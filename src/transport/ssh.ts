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
import { runnerCanCarry, runnerProgram } from './runner.ts';
import { RunnerChannel } from './runner-channel.ts';
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
  /** The long-lived runner on the current connection (runner.ts), once a program needed it. */
  private runner: Promise<RunnerChannel> | undefined;

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
      // Nagle's algorithm held each small request or end marker back until the other side's
      // delayed ACK (about 40 ms): most of a trivial step's time on an idle machine.
      client.setNoDelay(true);
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
      this.runner = undefined;
      this.client = undefined;
      this.connecting = undefined;
      this.lostReason = undefined;
      this.lostBetweenPrograms = false;
      this.closed = false;
    }
    await this.connect();
    const client = this.client!;
    if (this.lostReason) throw new TransportError(this.host, this.lostReason);
    // Programs go to the connection's runner; one that arrives while the runner is busy (two
    // programs at once on one host) or that the runner cannot carry gets a session of its own.
    const runner = runnerCanCarry(request) ? await this.idleRunner(client) : undefined;
    if (this.lostReason) throw new TransportError(this.host, this.lostReason);
    if (runner) return this.execOnRunner(runner, request);
    // The runner keeps the step lock it took until it exits: a program of this same run must
    // not wait for it.
    const held = (await this.runner?.catch(() => undefined))?.heldLock;
    return this.execOnOwnSession(
      client,
      held && held === request.lockName ? { ...request, lockName: undefined } : request,
    );
  }

  /**
   * The runner, reserved for the caller, starting it on first use; undefined if another
   * program holds it. Reservation happens in the same synchronous stretch as the check, so two
   * programs started at once can never both be handed the runner.
   */
  private async idleRunner(client: Client): Promise<RunnerChannel | undefined> {
    let current = this.runner ? await this.runner.catch(() => undefined) : undefined;
    if (!current || current.closed) {
      const starting = this.startRunner(client);
      this.runner = starting;
      current = await starting.catch((error: Error) => {
        if (this.runner === starting) this.runner = undefined;
        throw new TransportError(this.host, `cannot start a program on ${this.host}: ${error.message}`);
      });
    }
    return current.tryReserve() ? current : undefined;
  }

  private startRunner(client: Client): Promise<RunnerChannel> {
    return new Promise<RunnerChannel>((resolve, reject) => {
      client.exec(this.command(runnerProgram()), (error, channel) => {
        if (error) return reject(error);
        const sudoPassword = this.sudoPassword();
        if (sudoPassword !== undefined) channel.write(`${sudoPassword}\n`);
        resolve(new RunnerChannel(channel));
      });
    });
  }

  private sudoPassword(): string | undefined {
    return this.options.target.user !== 'root' ? this.password : undefined;
  }

  private command(bootstrap: string): string {
    const user = this.options.target.user;
    return remoteCommand(bootstrap, user, this.sudoPassword() !== undefined);
  }

  /** Settle a program once: the backstop, the runner and a lost connection all race to it. */
  private settleOnce(request: ExecRequest, onBackstop: () => void) {
    let settled = false;
    let resolveIt!: (result: ExecResult) => void;
    let rejectIt!: (error: Error) => void;
    const promise = new Promise<ExecResult>((resolve, reject) => {
      resolveIt = resolve;
      rejectIt = reject;
    });
    const finish = () => {
      settled = true;
      clearTimeout(backstop);
      this.running.delete(fail);
    };
    const fail = (reason: string) => {
      if (settled) return;
      finish();
      rejectIt(new TransportError(this.host, reason));
    };
    const succeed = (result: ExecResult) => {
      if (settled) return;
      finish();
      resolveIt(result);
    };
    this.running.add(fail);
    const limit = request.timeoutSeconds + BACKSTOP_SECONDS;
    const backstop = setTimeout(() => {
      onBackstop();
      fail(`${this.host} did not answer within ${limit} s`);
    }, limit * 1000);
    return { promise, fail, succeed, isSettled: () => settled };
  }

  private execOnRunner(runner: RunnerChannel, request: ExecRequest): Promise<ExecResult> {
    const run = this.settleOnce(request, () => runner.abandon());
    runner.run(request, run.succeed, () =>
      run.fail(this.lostReason ?? `connection to ${this.host} was lost while a program ran`),
    );
    return run.promise;
  }

  private execOnOwnSession(client: Client, request: ExecRequest): Promise<ExecResult> {
    const { bootstrap, stdin } = buildPayload(request);
    const password = this.sudoPassword();
    const input = password !== undefined ? Buffer.concat([Buffer.from(password + '\n'), stdin]) : stdin;
    const run = this.settleOnce(request, () => {});
    client.exec(this.command(bootstrap), (error, channel) => {
      if (error) return run.fail(`cannot start a program on ${this.host}: ${error.message}`);
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
        if (run.isSettled()) return;
        if (exit === undefined)
          return run.fail(
            this.lostReason ?? `connection to ${this.host} was lost while a program ran`,
          );
        run.succeed({ exitCode: exit, timedOut: exit === 124 });
      });
      channel.end(input);
    });
    return run.promise;
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.runner = undefined;
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
