// The long-lived runner (src/transport/runner.ts): programs sent one after another over one
// SSH session must behave exactly as programs in sessions of their own did: the same lines on
// the same streams, the same exit status, input byte for byte, nothing of one program taken for
// the next's. First the marker parsing on every way the bytes can be cut into chunks, then a
// real sshd.
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../src/transport/lines.ts';
import { MarkedStream } from '../../src/transport/runner.ts';
import type { SshTransport } from '../../src/transport/ssh.ts';
import type { OutputStream } from '../../src/transport/types.ts';
import { useOneSshHost } from '../helpers/one-ssh-host.ts';

const NONCE = '0123456789abcdef0123456789abcdef';

/** What a program's own session would have shown: its bytes split into lines. */
function plainLines(output: string): string[] {
  const lines: string[] = [];
  const splitter = new LineSplitter((l) => lines.push(l));
  splitter.push(output);
  splitter.end();
  return lines;
}

describe('end marker parsing', () => {
  const outputs = ['', 'abc', 'abc\n', 'abc\n\n', '\n', 'one\ntwo', 'one\ntwo\n', '@@rb-end-x\n', '\n@@rb-end-0123 1\n', 'tail \u00e9\u00e8\n'];

  it('gives the same lines and exit status however the bytes are cut into chunks', () => {
    for (const output of outputs) {
      const bytes = Buffer.from(`${output}\n@@rb-end-${NONCE} 7\n`);
      for (let a = 0; a <= bytes.length; a++)
        for (let b = a; b <= bytes.length; b++) {
          const lines: string[] = [];
          const stream = new MarkedStream(NONCE, (l) => lines.push(l));
          for (const chunk of [bytes.subarray(0, a), bytes.subarray(a, b), bytes.subarray(b)])
            stream.push(Buffer.from(chunk));
          expect({ output, a, b, lines, ended: stream.ended }).toEqual({
            output, a, b, lines: plainLines(output), ended: '7',
          });
        }
    }
  });

  it('shows a finished line at once, without waiting for the next chunk', () => {
    const lines: string[] = [];
    const stream = new MarkedStream(NONCE, (l) => lines.push(l));
    stream.push(Buffer.from('Unpacking libvirt-daemon ...\n'));
    expect(lines).toEqual(['Unpacking libvirt-daemon ...']);
    stream.push(Buffer.from(`\n@@rb-end-${NONCE} 0\n`));
    expect(lines).toEqual(['Unpacking libvirt-daemon ...']);
    expect(stream.ended).toBe('0');
  });
});

const server = useOneSshHost('runner', '127.0.0.86');
const transport = server.transport;

interface Run {
  exitCode: number;
  timedOut: boolean;
  lines: [OutputStream, string][];
}
const run = async (
  t: SshTransport,
  script: string,
  extra: { env?: Record<string, string>; input?: string; timeoutSeconds?: number } = {},
): Promise<Run> => {
  const lines: [OutputStream, string][] = [];
  const result = await t.exec({
    script,
    env: extra.env ?? {},
    input: extra.input,
    timeoutSeconds: extra.timeoutSeconds ?? 20,
    onLine: (stream, line) => lines.push([stream, line]),
  });
  return { ...result, lines };
};

/** The PID of the shell that started the program's `timeout` (the runner, or a bootstrap). */
const STARTER = 'p=$(cut -d" " -f4 /proc/$PPID/stat); cut -d" " -f4 /proc/$p/stat';

describe('runner over a real sshd', () => {
  it('runs program after program in one session, each with its own output and status', async () => {
    const t = transport();
    const starters = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const r = await run(t, `echo "out ${i}"; printf 'partial ${i}'; echo "err ${i}" >&2; ${STARTER}; exit ${i % 4}`);
      expect(r.exitCode).toBe(i % 4);
      const out = r.lines.filter(([s]) => s === 'stdout').map(([, l]) => l);
      // the line without a newline runs into the PID the next command prints
      expect(out).toHaveLength(2);
      expect(out[0]).toBe(`out ${i}`);
      const starter = new RegExp(`^partial ${i}(\\d+)$`).exec(out[1]!);
      expect(starter, out[1]).not.toBeNull();
      expect(r.lines.filter(([s]) => s === 'stderr')).toEqual([['stderr', `err ${i}`]]);
      starters.add(starter![1]!);
    }
    // every program was started by the same long-lived runner
    expect(starters.size).toBe(1);
    await t.close();
  });

  it('hands each program its environment and its input byte for byte, and nothing of the next request', async () => {
    const t = transport();
    const tricky = `quote ' double " dollar $HOME back \\ newline\nend`;
    const inputs = ['', 'no newline at the end', 'line\n', 'two\n\nblank lines\n\n', `unicode \u00e9 \u4e2d\n`, 'x'.repeat(200_000)];
    for (const input of inputs) {
      const r = await run(t, 'printf "%s" "$TRICKY" | sha256sum | cut -c1-16; sha256sum | cut -c1-16', {
        env: { TRICKY: tricky },
        input,
      });
      const sha = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 16);
      expect(r.lines).toEqual([['stdout', sha(tricky)], ['stdout', sha(input)]]);
    }
    // a program that reads stdin without input gets end of file, not the runner's next request
    expect((await run(t, 'cat; echo read-done')).lines).toEqual([['stdout', 'read-done']]);
    expect((await run(t, 'echo still-here')).lines).toEqual([['stdout', 'still-here']]);
    await t.close();
  });

  it('stops a program at its timeout with status 124 and runs the next one', async () => {
    const t = transport();
    const r = await run(t, 'echo begun; sleep 30', { timeoutSeconds: 1 });
    expect(r).toMatchObject({ exitCode: 124, timedOut: true, lines: [['stdout', 'begun']] });
    expect((await run(t, 'echo after')).lines).toEqual([['stdout', 'after']]);
    await t.close();
  });

  it('runs two programs at once on one host, the second in a session of its own', async () => {
    const t = transport();
    await run(t, 'true');
    const [a, b] = await Promise.all([run(t, 'sleep 1; echo A'), run(t, 'echo B')]);
    expect(a.lines).toEqual([['stdout', 'A']]);
    expect(b.lines).toEqual([['stdout', 'B']]);
    await t.close();
  });

  it('holds the step lock for the run, without making its own second program wait for it', async () => {
    const t = transport();
    const lockName = `runner-test-${process.pid}`;
    const locked = (script: string) => {
      const lines: string[] = [];
      return t
        .exec({ script, env: {}, timeoutSeconds: 20, lockName, onLine: (_s, l) => lines.push(l) })
        .then((r) => ({ ...r, lines }));
    };
    await locked('true');
    const file = `/run/lock/cloudstack-runbook.${lockName}.lock`;
    // another installer's program (a bootstrap of its own) finds the lock taken
    const other = await run(t, `flock -n ${file} true && echo free || echo taken`);
    expect(other.lines).toEqual([['stdout', 'taken']]);
    const [a, b] = await Promise.all([locked('sleep 1; echo A'), locked('echo B')]);
    expect([a.lines, b.lines]).toEqual([['A'], ['B']]);
    await t.close();
    // the runner has gone with the connection, and the lock with it
    await new Promise((r) => setTimeout(r, 500));
    expect((await run(transport(), `flock -n ${file} true && echo free || echo taken`)).lines).toEqual([['stdout', 'free']]);
    rmSync(file, { force: true });
  });
});
