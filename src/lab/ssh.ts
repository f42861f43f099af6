// Reaching a lab VM the way the installer does: through its loopback port, with the lab's key.
import { execa } from 'execa';
import type { Result } from 'execa';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface SshTarget {
  port: number;
  identity: string;
  knownHosts: string;
  host?: string;
}

export function sshArgs(target: SshTarget, command: string, connectTimeoutS = 10): string[] {
  return [
    '-p',
    String(target.port),
    '-i',
    target.identity,
    '-o',
    'BatchMode=yes',
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    `ConnectTimeout=${connectTimeoutS}`,
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    `UserKnownHostsFile=${target.knownHosts}`,
    '-o',
    'LogLevel=ERROR',
    `root@${target.host ?? '127.0.0.1'}`,
    command,
  ];
}

/** Run `command` in the VM (never throws; look at exitCode). `input` goes to its stdin. */
export function sshRun(
  target: SshTarget,
  command: string,
  timeoutMs = 120_000,
  options: { input?: Uint8Array; connectTimeoutS?: number } = {},
): Promise<Result> {
  return execa('ssh', sshArgs(target, command, options.connectTimeoutS), {
    reject: false,
    timeout: timeoutMs,
    ...(options.input ? { input: options.input } : { stdin: 'ignore' as const }),
  }) as unknown as Promise<Result>;
}

/** Read the SSH banner on a port: proves the relay chain reaches a running sshd. */
export function sshBanner(
  port: number,
  host = '127.0.0.1',
  timeoutMs = 3000,
): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect(port, host);
    const done = (value: string | undefined) => {
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(timeoutMs, () => done(undefined));
    socket.once('error', () => done(undefined));
    socket.once('data', (data) => done(data.toString('utf8').split('\r\n')[0]));
  });
}

/** Retry a login until it works (sshd may start a moment after the console says ready). */
export async function waitForSsh(target: SshTarget, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const result = await sshRun(target, 'true', 20_000);
    if (result.exitCode === 0) return;
    last = String(result.stderr).trim();
    await sleep(1000);
  }
  throw new Error(`cannot log in over SSH on 127.0.0.1:${target.port}: ${last || 'timed out'}`);
}
