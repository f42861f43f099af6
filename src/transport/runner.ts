// One long-lived bash per SSH connection that runs the steps sent to it one after another.
// A new SSH session per program cost each host a session channel, a fork in sshd and five
// program starts (two login shells, flock, timeout, the step's bash) for every step: with 32
// hosts sharing a machine's cores that, not the step, was the bill. The runner reads framed
// requests on its stdin and starts only `timeout` and the step's bash per step.
//
// Frame (installer → runner):  "RB1 <env bytes> <script bytes> <input bytes> <timeout> <lock|-> <nonce>\n"
// followed by the environment, the script and the input, each exactly that many bytes. The
// environment (secrets included) travels only on stdin, as with the one-off bootstrap.
// End of a program (runner → installer): "\n@@rb-end-<nonce> <exit>\n" on stdout and
// "\n@@rb-end-<nonce>\n" on stderr; the program has ended when both have arrived, so no
// stderr line of one step can be taken for the next one's.
import { randomBytes } from 'node:crypto';
import { LineSplitter } from './lines.ts';
import { lockFile, lockFileFromVariable, lockLines, requestBytes } from './payload.ts';
import type { ExecRequest } from './types.ts';

/** The runner program (no secrets in it): give it to `bash -c`, as root. */
export function runnerProgram(): string {
  return [
    'set -u; export LC_ALL=C; __rb_held=-',
    'while IFS=" " read -r __rb_magic __rb_ne __rb_ns __rb_ni __rb_timeout __rb_lock __rb_nonce; do',
    '  [ "$__rb_magic" = RB1 ] || { echo "runbook runner: malformed request" >&2; exit 120; }',
    '  __rb_env= __rb_script= __rb_input=',
    '  { [ "$__rb_ne" -eq 0 ] || IFS= read -r -N "$__rb_ne" __rb_env; } &&',
    '  { [ "$__rb_ns" -eq 0 ] || IFS= read -r -N "$__rb_ns" __rb_script; } &&',
    '  { [ "$__rb_ni" -eq 0 ] || IFS= read -r -N "$__rb_ni" __rb_input; } || exit 120',
    // The lock is taken once, by the first program that names it, and held on fd 9 for the
    // runner's life (and by every step it starts, which inherit fd 9): a step orphaned by a
    // killed installer keeps it until that step ends.
    '  if [ "$__rb_lock" != - ] && [ "$__rb_lock" != "$__rb_held" ]; then',
    ...lockLines(lockFileFromVariable('__rb_lock')).map((line) => `    ${line}`),
    '    __rb_held=$__rb_lock',
    '  fi',
    '  (',
    '    unset LC_ALL __rb_held __rb_magic __rb_ne __rb_ns __rb_lock __rb_nonce',
    '    set -a; eval "$__rb_env"; set +a; unset __rb_env',
    '    cd /; umask 022',
    // The step never sees the runner's stdin (the next requests): its input or nothing.
    '    if [ "$__rb_ni" -gt 0 ]; then',
    '      printf "%s" "$__rb_input" | timeout -k 10 "$__rb_timeout" bash -euo pipefail /dev/fd/3 3<<<"$__rb_script"',
    '    else',
    '      unset __rb_input; exec timeout -k 10 "$__rb_timeout" bash -euo pipefail /dev/fd/3 3<<<"$__rb_script" </dev/null',
    '    fi',
    '  )',
    '  __rb_rc=$?',
    '  printf "\\n@@rb-end-%s %d\\n" "$__rb_nonce" "$__rb_rc"',
    '  printf "\\n@@rb-end-%s\\n" "$__rb_nonce" >&2',
    'done',
  ].join('\n');
}

/**
 * Whether a request can go through the runner: bash's `read` cannot carry NUL bytes, so a
 * request with one (none in the runbook's text) takes a session of its own.
 */
export function runnerCanCarry(request: ExecRequest): boolean {
  const texts = [request.script, request.input ?? '', ...Object.entries(request.env).flat()];
  return texts.every((text) => !text.includes('\0'));
}

export interface Frame {
  nonce: string;
  bytes: Buffer;
}

export function frameRequest(request: ExecRequest): Frame {
  const { env, script, input, timeout } = requestBytes(request);
  const lock = request.lockName ?? '-';
  if (lock !== '-') lockFile(lock); // refuses a name that is not a safe file name
  const nonce = randomBytes(16).toString('hex');
  const header = `RB1 ${env.length} ${script.length} ${input.length} ${timeout} ${lock} ${nonce}\n`;
  return { nonce, bytes: Buffer.concat([Buffer.from(header), env, script, input]) };
}

/**
 * One output stream of the runner for one program: passes the program's bytes to a line
 * splitter and finds the end marker, which may arrive split over chunks. Bytes are held back
 * only while they could still be the start of the marker. The common case, a chunk ending in a
 * newline that might be the marker's, would hold the last line back until the next chunk (for
 * a quiet step, minutes): that line is emitted at once instead, since either way it is complete.
 */
export class MarkedStream {
  private readonly marker: Buffer;
  private readonly lines: LineSplitter;
  private held = Buffer.alloc(0);
  /** held[0] is a newline whose line has already been emitted. */
  private heldNewlineEmitted = false;
  /** Set once the marker has arrived: the rest of its line (the exit status on stdout). */
  ended: string | undefined;

  constructor(nonce: string, emit: (line: string) => void) {
    this.marker = Buffer.from(`\n@@rb-end-${nonce}`);
    this.lines = new LineSplitter(emit);
  }

  /** Feed a chunk of the stream (anything after the marker's line is not this program's). */
  push(chunk: Buffer): void {
    if (this.ended !== undefined) return;
    const data = Buffer.concat([this.held, chunk]);
    const at = data.indexOf(this.marker);
    if (at < 0) {
      const keep = partialMatchLength(data, this.marker);
      this.pushProgramBytes(data.subarray(0, data.length - keep));
      this.held = Buffer.from(data.subarray(data.length - keep));
      if (!this.heldNewlineEmitted && this.held.length === 1 && this.held[0] === 0x0a)
        this.heldNewlineEmitted = this.lines.flushPartial();
      return;
    }
    this.pushProgramBytes(data.subarray(0, at));
    const rest = data.subarray(at + this.marker.length);
    const newline = rest.indexOf(0x0a);
    if (newline < 0) {
      // the marker's own line is not complete yet: wait for the rest of it
      this.held = Buffer.from(data.subarray(at));
      return;
    }
    this.ended = rest.subarray(0, newline).toString().trim();
    this.held = Buffer.alloc(0);
    this.lines.end();
  }

  private pushProgramBytes(bytes: Buffer): void {
    if (bytes.length === 0) return;
    // the newline that ended an already emitted line must not end an empty one now
    this.lines.push(this.heldNewlineEmitted ? bytes.subarray(1) : bytes);
    this.heldNewlineEmitted = false;
  }

  /** The stream closed before the marker: flush what the program wrote. */
  close(): void {
    if (this.ended !== undefined) return;
    this.pushProgramBytes(this.held);
    this.held = Buffer.alloc(0);
    this.lines.end();
  }
}

/** Length of the longest tail of `data` that is a proper prefix of `marker`. */
function partialMatchLength(data: Buffer, marker: Buffer): number {
  for (let n = Math.min(marker.length - 1, data.length); n > 0; n--)
    if (data.subarray(data.length - n).equals(marker.subarray(0, n))) return n;
  return 0;
}
