// How a program travels to a host without its environment (secrets included) ever showing
// on a command line: the command line carries only a fixed bootstrap with byte counts; the
// environment, the script and its input arrive on stdin and land in a 0700 temp directory
// that the bootstrap removes when the program ends.
import type { ExecRequest } from './types.ts';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Single-quote a value for bash (works for any bytes, newlines included). */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

export function envFileText(env: Record<string, string>): string {
  const lines: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!NAME.test(name)) throw new Error(`"${name}" cannot be an environment variable name`);
    lines.push(`${name}=${shellQuote(value)}`);
  }
  return lines.join('\n') + '\n';
}

export interface Payload {
  /** The bootstrap program (no secrets): give it to `bash -c`. */
  bootstrap: string;
  /** Everything the bootstrap reads on stdin. */
  stdin: Buffer;
}

export function buildPayload(request: ExecRequest): Payload {
  const env = Buffer.from(envFileText(request.env));
  const script = Buffer.from(request.script);
  const input = Buffer.from(request.input ?? '');
  const timeout = Math.max(1, Math.ceil(request.timeoutSeconds));
  // `timeout` stops the whole process group of the step: TERM first, KILL 10 s later.
  const bootstrap = [
    'set -u; umask 077',
    'd=$(mktemp -d "${TMPDIR:-/tmp}/runbook.XXXXXXXX") || exit 120',
    `trap 'rm -rf "$d"' EXIT; trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM`,
    `head -c ${env.length} > "$d/env" && head -c ${script.length} > "$d/script" && cat > "$d/input" || exit 120`,
    // The temp files are private (umask 077); the step itself gets the usual umask back.
    `(set -a; . "$d/env"; set +a; cd /; umask 022; exec timeout -k 10 ${timeout} bash -euo pipefail "$d/script" < "$d/input")`,
  ].join('\n');
  return { bootstrap, stdin: Buffer.concat([env, script, input]) };
}

/** The command a remote login shell runs: the bootstrap through bash, via sudo unless root. */
export function remoteCommand(bootstrap: string, user: string, sudoWithPassword: boolean): string {
  const bash = `bash -c ${shellQuote(bootstrap)}`;
  if (user === 'root') return `exec ${bash}`;
  // -n: never wait on a prompt nobody sees; -S -p '': read the password as the first stdin line.
  return sudoWithPassword ? `exec sudo -S -p '' -- ${bash}` : `exec sudo -n -- ${bash}`;
}
