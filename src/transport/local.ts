// Runs programs on the installer's own machine (the all-in-one case run in place), through
// the same bootstrap as SSH so behaviour and secrecy are identical.
import { execa } from 'execa';
import { userInfo } from 'node:os';
import { LineSplitter } from './lines.ts';
import { buildPayload } from './payload.ts';
import type { ExecRequest, ExecResult, Transport } from './types.ts';
import { TransportError } from './types.ts';

/** Seconds past a program's own timeout before the transport gives up on it. */
const BACKSTOP_SECONDS = 30;

export class LocalTransport implements Transport {
  readonly host: string;

  constructor(host: string) {
    this.host = host;
  }

  async connect(): Promise<void> {}

  async exec(request: ExecRequest): Promise<ExecResult> {
    const { bootstrap, stdin } = buildPayload(request);
    const asRoot = userInfo().uid === 0;
    const [file, args] = asRoot
      ? ['bash', ['-c', bootstrap]]
      : ['sudo', ['-n', '--', 'bash', '-c', bootstrap]];
    const child = execa(file, args, {
      input: stdin,
      buffer: false,
      reject: false,
      stripFinalNewline: false,
      timeout: (request.timeoutSeconds + BACKSTOP_SECONDS) * 1000,
      killSignal: 'SIGKILL',
    });
    const out = new LineSplitter((line) => request.onLine?.('stdout', line));
    const err = new LineSplitter((line) => request.onLine?.('stderr', line));
    child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
    const result = await child;
    out.end();
    err.end();
    if (result.failed && result.exitCode === undefined && !result.timedOut) {
      throw new TransportError(
        this.host,
        `could not run bash on ${this.host}: ${result.shortMessage}`,
      );
    }
    const exitCode = result.exitCode ?? 124;
    return { exitCode, timedOut: result.timedOut || exitCode === 124 };
  }

  async close(): Promise<void> {}
}
