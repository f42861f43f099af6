// The site lock judged by its owner's process, through the real binary (`runbook status` and
// `runbook install`): a killed installer not yet reaped (a zombie) does not hold the site; a host
// name changed under the lock (the runbook's own hostname step does it) neither keeps a dead
// owner alive nor frees a live one; a lock from an earlier boot is stale; one taken on another
// machine (a state folder on shared storage) is held and says where.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO, runbookCli } from '../helpers/cli.ts';
import { freePort } from '../helpers/sshd.ts';

const RUNBOOK = join(REPO, 'test/fixtures/runbook-good');
let dir: string;
const children: ChildProcess[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'runbook-lock-'));
  // Nobody answers there: an install that gets past the lock fails at once on connecting.
  const port = await freePort();
  writeFileSync(join(dir, 'site.yaml'), `name: demo\nmanagement: { address: 172.16.10.2, hostname: mgmt, ssh: { host: 127.0.0.1, port: ${port} } }\n`);
  mkdirSync(join(dir, '.runbook'), { mode: 0o700 });
});
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

const read = (file: string) => readFileSync(file, 'utf8').trim();
const BOOT = read('/proc/sys/kernel/random/boot_id');
const MACHINE = read('/etc/machine-id');

function stat(pid: number): { state: string; start: string } {
  const text = read(`/proc/${pid}/stat`);
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0]!, start: fields[19]! };
}

interface Holder {
  pid: number;
  start?: string;
  boot?: string;
  machine?: string;
  host?: string;
}

/** A lock file as an installer with this PID, on this machine and boot, would have left it. */
function lockHeldBy(given: Holder): void {
  const holder = { start: given.start ?? stat(given.pid).start, boot: BOOT, machine: MACHINE, host: hostname(), at: '2026-01-01T00:00:00.000Z', ...given };
  const pid = holder.pid;
  writeFileSync(join(dir, '.runbook', 'lock'), JSON.stringify(holder));
  // The run it started, for status to report on.
  writeFileSync(join(dir, '.runbook', 'journal.jsonl'), `${JSON.stringify({ t: 'run-start', run: 'r1', at: holder.at, pid, steps: 1 })}\n`);
}

function waitFor(condition: () => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 10_000;
    const poll = () => (condition() ? resolve() : Date.now() > deadline ? reject(new Error('timed out')) : setTimeout(poll, 20));
    poll();
  });
}

/** A live process standing in for a running installer. */
async function liveProcess(): Promise<number> {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  children.push(child);
  await waitFor(() => {
    try {
      return stat(child.pid!).state !== undefined;
    } catch {
      return false;
    }
  });
  return child.pid!;
}

/** A killed process its parent has not reaped: the parent exec'd `sleep`, which never waits. */
async function zombie(): Promise<number> {
  // The child is killed only once bash has become `sleep 60`, which never reaps it: killed from
  // inside bash, bash itself could reap it first and there would be no zombie to look at.
  const parent = spawn('bash', ['-c', 'sleep 30 & echo $!; exec sleep 60'], { stdio: ['ignore', 'pipe', 'ignore'] });
  children.push(parent);
  const pid = await new Promise<number>((resolve) => parent.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
  await waitFor(() => read(`/proc/${parent.pid}/comm`) === 'sleep');
  process.kill(pid, 'SIGKILL');
  await waitFor(() => stat(pid).state === 'Z');
  return pid;
}

async function deadPid(): Promise<{ pid: number; start: string }> {
  const pid = await liveProcess();
  const { start } = stat(pid);
  const child = children.pop()!;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
  return { pid, start };
}

const status = () => runbookCli(['status', '--runbook', RUNBOOK], { cwd: dir });
const install = () => runbookCli(['install', '--yes', '--runbook', RUNBOOK], { cwd: dir });
const HELD = /another runbook installer/;

describe('the site lock', () => {
  it('is not held by a killed installer its parent has not reaped yet (a zombie)', async () => {
    const pid = await zombie();
    lockHeldBy({ pid });
    expect(stat(pid).state).toBe('Z');
    const s = await status();
    expect(s.stdout).toContain('last run r1 started 2026-01-01T00:00:00.000Z: interrupted');
    expect(s.stdout).not.toContain(`PID ${pid}`);
    const i = await install();
    expect(i.stdout + i.stderr).not.toMatch(HELD);
    expect(i.stdout).toContain('mgmt'); // it ran: connecting to the machine is what failed
    expect(existsSync(join(dir, '.runbook', 'lock'))).toBe(false); // taken over, then released
  });

  it('is held by a live installer whatever the host name is now', async () => {
    const pid = await liveProcess();
    lockHeldBy({ pid, host: 'old-name-before-the-hostname-step' });
    expect((await status()).stdout).toContain(`: running (PID ${pid})`);
    const i = await install();
    expect(i.exitCode).toBe(1);
    expect(i.stderr).toContain(`another runbook installer (PID ${pid}, started 2026-01-01T00:00:00.000Z) is working on this site`);
  });

  it('is free once its owner is gone, even when the host name has changed since', async () => {
    const { pid, start } = await deadPid();
    lockHeldBy({ pid, start, host: 'old-name-before-the-hostname-step' });
    expect((await status()).stdout).toContain(': interrupted');
    expect((await install()).stderr).not.toMatch(HELD);
  });

  it('is free when taken in an earlier boot, though its PID runs again now', async () => {
    lockHeldBy({ pid: process.pid, boot: '00000000-0000-4000-8000-000000000000' });
    expect((await status()).stdout).toContain(': interrupted');
    expect((await install()).stderr).not.toMatch(HELD);
  });

  it('is held, naming the machine, when taken on another machine', async () => {
    lockHeldBy({ pid: 4242, start: '1', machine: '0123456789abcdef0123456789abcdef', host: 'other-box' });
    const i = await install();
    expect(i.exitCode).toBe(1);
    expect(i.stderr).toContain('another runbook installer (PID 4242 on another machine, other-box, started 2026-01-01T00:00:00.000Z) is working on this site; wait for it to finish or stop it there');
  });
});
