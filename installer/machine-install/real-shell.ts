// The Shell the live system uses: execa, every output line passed on (to the install log and
// the log view), and a failure that carries the command, its exit code and its last lines.
import { execa } from 'execa';
import type { Shell } from './engine.ts';

export class CommandError extends Error {
  readonly command: string;
  readonly exitCode: number | undefined;
  readonly output: string;
  constructor(command: string, exitCode: number | undefined, output: string) {
    super(
      `\`${command}\` failed (exit ${exitCode ?? 'none'}):\n${output.split('\n').slice(-12).join('\n')}`,
    );
    this.name = 'CommandError';
    this.command = command;
    this.exitCode = exitCode;
    this.output = output;
  }
}

export function realShell(): Shell {
  return {
    async run(command, args, options = {}) {
      const child = execa(command, args, {
        reject: false,
        all: true,
        ...(options.input === undefined ? { stdin: 'ignore' as const } : { input: options.input }),
        env: {
          PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
          LANG: 'C.UTF-8',
          DEBIAN_FRONTEND: 'noninteractive',
        },
        extendEnv: false,
      });
      if (options.onLine && child.all) {
        let rest = '';
        child.all.on('data', (chunk: Buffer) => {
          const lines = (rest + chunk.toString('utf8')).split(/\r?\n|\r/);
          rest = lines.pop() ?? '';
          for (const line of lines) if (line.trim()) options.onLine!(line);
        });
        child.all.on('end', () => rest.trim() && options.onLine!(rest));
      }
      const result = await child;
      if (result.exitCode !== 0)
        throw new CommandError(
          [command, ...args].join(' '),
          result.exitCode,
          String(result.all ?? ''),
        );
      return String(result.stdout ?? '');
    },
  };
}
