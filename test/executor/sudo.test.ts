// A login user that is not root: steps run through sudo (passwordless with a key; with the
// typed password when the site logs in with a password). Creates two throwaway local users.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshTransport } from '../../src/transport/ssh.ts';
import type { OutputStream } from '../../src/transport/types.ts';
import { FakeHost, makeClientKey, type ClientKey } from '../helpers/sshd.ts';

// Names of their own per run, so two test runs on one machine do not share (or delete) them.
const tag = randomBytes(3).toString('hex');
const KEY_USER = `rb-sk-${tag}`;
const PASSWORD_USER = `rb-sp-${tag}`;
const SUDOERS = `/etc/sudoers.d/runbook-test-${tag}`;
const password = randomBytes(12).toString('hex');
const NOPASS_PASSWORD_USER = `rb-sn-${tag}`;
let key: ClientKey;
let host: FakeHost;
let work: string;

beforeAll(async () => {
  for (const user of [KEY_USER, PASSWORD_USER, NOPASS_PASSWORD_USER]) {
    execFileSync('useradd', ['-m', '-s', '/bin/bash', user]);
  }
  // A new account is locked ('!'), which sshd without PAM refuses even for keys: '*' means no password.
  execFileSync('usermod', ['-p', '*', KEY_USER]);
  execFileSync('chpasswd', {
    input: `${PASSWORD_USER}:${password}\n${NOPASS_PASSWORD_USER}:${password}\n`,
  });
  writeFileSync(
    SUDOERS,
    `${KEY_USER} ALL=(ALL) NOPASSWD: ALL\n${PASSWORD_USER} ALL=(ALL) ALL\n${NOPASS_PASSWORD_USER} ALL=(ALL) NOPASSWD: ALL\n`,
    { mode: 0o440 },
  );
  key = makeClientKey();
  host = new FakeHost('sudo', '127.0.0.80', key.publicKey, ['PasswordAuthentication yes']);
  await host.start();
  work = mkdtempSync(join(tmpdir(), 'rb-sudo-'));
});
afterAll(() => {
  host?.cleanup();
  rmSync(SUDOERS, { force: true });
  for (const user of [KEY_USER, PASSWORD_USER, NOPASS_PASSWORD_USER])
    execFileSync('userdel', ['-r', user], { stdio: 'ignore' });
  rmSync(work, { recursive: true, force: true });
  rmSync(key.dir, { recursive: true, force: true });
});

async function runAs(
  user: string,
  withPassword: boolean,
): Promise<{ exitCode: number; lines: string[] }> {
  const transport = new SshTransport({
    host: 'sudo',
    target: {
      host: host.address,
      port: host.port,
      user,
      ...(withPassword ? { password: true } : { identity: key.privateKey }),
    },
    knownHostsFile: join(work, `known_hosts-${user}`),
    confirmHostKey: async () => true,
    askPassword: async () => password,
  });
  const lines: string[] = [];
  try {
    const r = await transport.exec({
      script: 'echo "uid=$(id -u) login=$SUDO_USER value=$VALUE"; cat',
      env: { VALUE: 'from the installer' },
      input: 'file content\n',
      timeoutSeconds: 20,
      onLine: (_s: OutputStream, line: string) => lines.push(line),
    });
    return { exitCode: r.exitCode, lines };
  } finally {
    await transport.close();
  }
}

describe('sudo for a login user that is not root', () => {
  it('runs steps as root through passwordless sudo', async () => {
    const r = await runAs(KEY_USER, false);
    expect(r).toEqual({
      exitCode: 0,
      lines: [`uid=0 login=${KEY_USER} value=from the installer`, 'file content'],
    });
  });

  it.each([PASSWORD_USER, NOPASS_PASSWORD_USER])(
    'logs in with the asked password and gives it to sudo (%s)',
    async (user) => {
      const r = await runAs(user, true);
      expect(r.exitCode).toBe(0);
      expect(r.lines).toContain(`uid=0 login=${user} value=from the installer`);
      expect(r.lines).toContain('file content');
      expect(r.lines.join('\n')).not.toContain(password);
    },
  );
});
