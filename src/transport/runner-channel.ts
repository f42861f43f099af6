// The installer's side of the long-lived runner (see runner.ts): one SSH session per
// connection, programs sent to it one at a time, each program's output and exit status told
// apart by its end markers.
import type { ClientChannel } from 'ssh2';
import { MarkedStream, frameRequest } from './runner.ts';
import type { ExecRequest, ExecResult } from './types.ts';

interface Pending {
  stdout: MarkedStream;
  stderr: MarkedStream;
  resolve: (result: ExecResult) => void;
  /** The runner went away mid-program without an exit status: the connection broke. */
  lost: () => void;
}

export class RunnerChannel {
  private readonly channel: ClientChannel;
  private pending: Pending | undefined;
  private exitStatus: number | undefined;
  private reserved = false;
  /** The step lock this runner took (and keeps until it exits), if any. */
  heldLock: string | undefined;
  /** The runner has ended (its session closed): open a new one for the next program. */
  closed = false;

  constructor(channel: ClientChannel) {
    this.channel = channel;
    channel.on('data', (chunk: Buffer) => {
      this.pending?.stdout.push(chunk);
      this.settleIfEnded();
    });
    channel.stderr.on('data', (chunk: Buffer) => {
      this.pending?.stderr.push(chunk);
      this.settleIfEnded();
    });
    channel.on('exit', (code: number | null) => {
      if (code !== null) this.exitStatus = code;
    });
    channel.on('close', () => {
      this.closed = true;
      const pending = this.pending;
      this.pending = undefined;
      if (!pending) return;
      pending.stdout.close();
      pending.stderr.close();
      // The runner itself stopped with a status (the step lock was not free, say): that is the
      // program's result. No status at all means the connection went.
      if (this.exitStatus !== undefined)
        pending.resolve({ exitCode: this.exitStatus, timedOut: false });
      else pending.lost();
    });
  }

  /** Claim the runner for the next program; false if it is taken or gone. */
  tryReserve(): boolean {
    if (this.pending || this.reserved || this.closed) return false;
    this.reserved = true;
    return true;
  }

  /** Send one program; `lost` is called instead of `resolve` if the session breaks first. */
  run(
    request: ExecRequest,
    resolve: (result: ExecResult) => void,
    lost: () => void,
  ): void {
    if (this.pending || this.closed) throw new Error('the runner is busy or closed');
    this.reserved = false;
    const frame = frameRequest(request);
    if (request.lockName) this.heldLock = request.lockName;
    this.pending = {
      stdout: new MarkedStream(frame.nonce, (line) => request.onLine?.('stdout', line)),
      stderr: new MarkedStream(frame.nonce, (line) => request.onLine?.('stderr', line)),
      resolve,
      lost,
    };
    this.channel.write(frame.bytes);
  }

  private settleIfEnded(): void {
    const pending = this.pending;
    if (!pending || pending.stdout.ended === undefined || pending.stderr.ended === undefined)
      return;
    this.pending = undefined;
    const status = Number.parseInt(pending.stdout.ended, 10);
    const exitCode = Number.isFinite(status) ? status : 255;
    pending.resolve({ exitCode, timedOut: exitCode === 124 });
  }

  /** Give up on the runner (a program that never answered): its session is closed. */
  abandon(): void {
    this.pending = undefined;
    this.closed = true;
    this.channel.close();
  }
}
