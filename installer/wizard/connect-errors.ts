// A failed first connection, told as what happened and what to try. The transport's message
// says what happened; this adds the one thing an operator would check next.
import type { Machine } from '../../src/plan/model.ts';
import { t } from '../../src/i18n/translate.ts';
import { hostPattern } from '../../src/transport/known-hosts.ts';
import { shellWord } from './hints.ts';

export interface ContactProblem {
  error: string;
  hint: string;
  /** A command that is the fix, shown whole on a line of its own. */
  command?: string;
}

/** OpenSSH's way to forget a recorded key, for this machine and the site's known_hosts file. */
export function forgetKeyCommand(machine: Machine, knownHostsFile: string): string {
  return `ssh-keygen -R ${shellWord(hostPattern(machine.ssh.host, machine.ssh.port))} -f ${shellWord(knownHostsFile)}`;
}

export function explainContactError(error: unknown, machine: Machine, knownHostsFile = '.runbook/known_hosts'): ContactProblem {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string } | undefined)?.code ?? '';
  const { user, host, port, identity } = machine.ssh;
  const text = `${code} ${message}`;
  const hint = (): string => {
    if ((error as Error | undefined)?.name === 'HostKeyError') {
      return /CHANGED/.test(message)
        ? t('The host key is not the one recorded before, so the connection was refused. Find out why (reinstalled machine?) before you trust the new key. If you do, forget the old key with this command, then press R and check the new fingerprint:')
        : t('You did not accept the host key. Compare the fingerprint with `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on the machine, then try again.');
    }
    if (/authentication methods failed|permission denied/i.test(text)) {
      return t('The machine refused the login: is the user {user} right, and is the public key of {identity} in ~{user}/.ssh/authorized_keys there (ssh-copy-id)?', {
        user,
        identity: identity ?? t('ssh-agent'),
      });
    }
    if (/ECONNREFUSED/.test(text)) {
      return t('Nothing listens on {host} port {port}: is the SSH server running there (systemctl status ssh), and is the port right?', { host, port });
    }
    if (/EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|timed out/i.test(text)) {
      return t('{host} does not answer: check the address, that the machine is on and on the network, and any firewall in between.', { host });
    }
    if (/ENOTFOUND|EAI_AGAIN/.test(text)) {
      return t('The name {host} does not resolve: write the address instead, or fix DNS.', { host });
    }
    if (/cannot read the SSH key/.test(text)) {
      return t('Check ssh.identity in the site file: the key file must exist and be readable.');
    }
    if (/no way to log in/.test(text)) {
      return t('Set ssh.identity to your private key, or start ssh-agent with the key loaded.');
    }
    return t('Try `ssh -p {port} {user}@{host}` by hand to see what the machine says.', { port, user, host });
  };
  const changed = (error as Error | undefined)?.name === 'HostKeyError' && /CHANGED/.test(message);
  return { error: message, hint: hint(), ...(changed ? { command: forgetKeyCommand(machine, knownHostsFile) } : {}) };
}
