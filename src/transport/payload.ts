// How a program travels to a host without its environment (secrets included) ever showing
// on a command line: the command line carries only a fixed bootstrap with byte counts; the
// environment, the script and its input arrive on stdin and stay in the shell's memory.
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

/** A request as the bytes a host reads (environment file, script, input) and whole seconds. */
export function requestBytes(request: ExecRequest): {
  env: Buffer;
  script: Buffer;
  input: Buffer;
  timeout: number;
} {
  return {
    env: Buffer.from(envFileText(request.env)),
    script: Buffer.from(request.script),
    input: Buffer.from(request.input ?? ''),
    timeout: Math.max(1, Math.ceil(request.timeoutSeconds)),
  };
}

export interface Payload {
  /** The bootstrap program (no secrets): give it to `bash -c`. */
  bootstrap: string;
  /** Everything the bootstrap reads on stdin. */
  stdin: Buffer;
}

/**
 * The bootstrap reads the environment and the script with bash's own `read -N` (byte counts in
 * the C locale, so no helper processes and no temp files), then replaces itself with
 * `timeout ... bash -euo pipefail` reading the script from a here-string. Whatever follows on
 * stdin is the program's own input (a file's content); for scripts that is nothing (EOF).
 */
export function buildPayload(request: ExecRequest): Payload {
  const { env, script, input, timeout } = requestBytes(request);
  const bootstrap = [
    'set -u; export LC_ALL=C',
    `IFS= read -r -N ${env.length} __rb_env && IFS= read -r -N ${script.length} __rb_script || exit 120`,
    'unset LC_ALL',
    ...(request.lockName ? lockLines(lockFile(request.lockName)) : []),
    'set -a; eval "$__rb_env"; set +a; unset __rb_env',
    // `timeout` stops the whole process group of the step: TERM first, KILL 10 s later.
    `cd /; umask 022; exec timeout -k 10 ${timeout} bash -euo pipefail /dev/fd/3 3<<<"$__rb_script"`,
  ].join('\n');
  return { bootstrap, stdin: Buffer.concat([env, script, input]) };
}

/** How long a step waits for an earlier copy of itself (orphaned by a killed installer). */
export const STEP_LOCK_WAIT_SECONDS = 900;

/** The lock file for a lock name; the name is checked, so the path is a safe shell word. */
export function lockFile(name: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new Error(`"${name}" cannot name a lock file`);
  return `/run/lock/cloudstack-runbook.${name}.lock`;
}

/** The same path as a shell word, from a variable holding a name already checked. */
export function lockFileFromVariable(variable: string): string {
  return `/run/lock/cloudstack-runbook.\${${variable}}.lock`;
}

/**
 * fd 9 on a lock file under /run/lock (`file`: a shell word naming it), held through `exec` by `timeout`, the step's bash and
 * its children. When the installer is killed, sshd closes the channel but nothing stops the
 * step (no terminal, no SIGHUP), so the resume's copy waits here until the orphan ends.
 */
export function lockLines(file: string): string[] {
  return [
    `mkdir -p /run/lock 2>/dev/null; exec 9>>${file} || exit 121`,
    'if ! flock -n 9; then',
    `  echo "waiting for a step of an earlier run that is still running on this host (lock ${file}; up to ${STEP_LOCK_WAIT_SECONDS} s)" >&2`,
    `  flock -w ${STEP_LOCK_WAIT_SECONDS} 9 || { echo "a step of an earlier run still holds ${file} after ${STEP_LOCK_WAIT_SECONDS} s: look for it with fuser -v ${file}" >&2; exit 75; }`,
    'fi',
  ];
}

/**
 * The command a remote login shell runs: the bootstrap through bash, via sudo unless root.
 * With a password, its first stdin line is the password: the login shell reads it with the
 * `read` builtin and validates sudo with it (consuming it whether or not sudo asks), so
 * the bootstrap's input is the same either way and the password is never an argument.
 */
export function remoteCommand(bootstrap: string, user: string, sudoWithPassword: boolean): string {
  const bash = `bash -c ${shellQuote(bootstrap)}`;
  if (user === 'root') return `exec ${bash}`;
  if (!sudoWithPassword) return `exec sudo -n -- ${bash}`;
  // sudo's cached credential is per parent process: both sudos must be children of this shell,
  // so the trailing `exit` keeps the shell from exec'ing the last command in its place.
  return `IFS= read -r p; printf '%s\\n' "$p" | sudo -S -p '' -v 2>/dev/null; unset p; sudo -n -- ${bash}; exit $?`;
}
