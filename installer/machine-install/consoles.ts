// Zero-touch installs report to every console the machine has (the screen and a serial line,
// as the kernel command line names them), since nobody is known to be watching one in
// particular; the interactive installer runs on the last console named (live/…generator).
import { appendFileSync, createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { INSTALL_LOG } from './target-files.ts';

/** Devices of the console= parameters: console=tty0 is the screen (tty1), console=ttyS0,115200n8 → ttyS0. */
export function consoleDevices(consoleArgs: string[]): string[] {
  const devices = consoleArgs
    .map((a) => a.slice('console='.length).split(',')[0]!)
    .map((d) => (d === 'tty0' ? 'tty1' : d));
  return [...new Set(devices.length > 0 ? devices : ['tty1'])];
}

export interface Reporter {
  /** A line for people (every console and the log). */
  say(line: string): void;
  /** A line for the log only. */
  log(line: string): void;
  close(): void;
}

export function consoleReporter(
  consoleArgs: string[],
  own: NodeJS.WriteStream = process.stdout,
  logFile = INSTALL_LOG,
): Reporter {
  mkdirSync(path.dirname(logFile), { recursive: true });
  const streams: WriteStream[] = [];
  const ownTty = (process.env.RUNBOOK_INSTALLER_TTY ?? '').replace(/^\/dev\//, '');
  for (const device of consoleDevices(consoleArgs)) {
    if (device === ownTty) continue;
    const stream = createWriteStream(`/dev/${device}`, { flags: 'a' });
    stream.on('error', () => undefined); // a console without hardware behind it
    streams.push(stream);
  }
  const stamp = () => new Date().toISOString().slice(11, 19);
  return {
    say(line) {
      const text = `${line}\r\n`;
      own.write(text);
      for (const s of streams) s.write(text);
      appendFileSync(logFile, `${stamp()} ${line}\n`);
    },
    log(line) {
      appendFileSync(logFile, `${stamp()}   ${line}\n`);
    },
    close() {
      for (const s of streams) s.end();
    },
  };
}
