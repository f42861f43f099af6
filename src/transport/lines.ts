// Turns a byte stream into complete lines (the last partial line is held until more arrives
// or the stream ends), so output can be streamed, logged and redacted line by line.
import { StringDecoder } from 'node:string_decoder';

export class LineSplitter {
  private decoder = new StringDecoder('utf8');
  private pending = '';
  private readonly emit: (line: string) => void;

  constructor(emit: (line: string) => void) {
    this.emit = emit;
  }

  push(chunk: Buffer | string): void {
    this.pending += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    let nl = this.pending.indexOf('\n');
    while (nl >= 0) {
      this.emit(this.pending.slice(0, nl).replace(/\r$/, ''));
      this.pending = this.pending.slice(nl + 1);
      nl = this.pending.indexOf('\n');
    }
  }

  /** Emit a pending partial line now, if there is one (its newline is known to be coming). */
  flushPartial(): boolean {
    if (this.pending.length === 0) return false;
    this.emit(this.pending.replace(/\r$/, ''));
    this.pending = '';
    return true;
  }

  end(): void {
    this.pending += this.decoder.end();
    if (this.pending.length > 0) this.emit(this.pending.replace(/\r$/, ''));
    this.pending = '';
  }
}
