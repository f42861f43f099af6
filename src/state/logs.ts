// One log file per host and step (mode 0600). Each run appends a header, so a log shows the
// step's history on that host; every line passes through the redactor before it is written.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { safeName } from './paths.ts';

export function stepLogPath(logsDir: string, host: string, stepId: string): string {
  return join(logsDir, safeName(host), `${safeName(stepId)}.log`);
}

export class StepLog {
  readonly path: string;
  private fd: number | undefined;

  constructor(logsDir: string, host: string, stepId: string) {
    this.path = stepLogPath(logsDir, host, stepId);
    mkdirSync(join(logsDir, safeName(host)), { recursive: true, mode: 0o700 });
    this.fd = openSync(this.path, 'a', 0o600);
  }

  /** Write lines that have already been redacted. */
  write(line: string): void {
    if (this.fd !== undefined) writeSync(this.fd, line.endsWith('\n') ? line : line + '\n');
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
