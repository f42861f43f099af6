// First contact with a machine (DESIGN.md §6): its host key is shown before it is trusted.
// `--yes` accepts it without asking but still prints the fingerprint, so the operator can
// compare it afterwards and the terminal log shows what was trusted; without --yes a terminal
// is asked, and anything else is refused with the way to accept.
import { t } from '../src/i18n/translate.ts';
import type { Write } from './output.ts';

export type ConfirmHostKey = (host: string, fingerprint: string) => Promise<boolean>;

const COMPARE = 'ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub';

export interface FirstContactOptions {
  yes?: boolean;
  /** The command to run again with --yes (the same site, the same runbook). */
  again: string;
  err: Write;
  /** Asks on the terminal; absent when there is none. */
  ask?: (question: string) => Promise<string>;
}

export function firstContact(options: FirstContactOptions): ConfirmHostKey {
  return async (host, fingerprint) => {
    if (options.yes) {
      options.err(
        `${t('{host}: first contact, host key {fingerprint} accepted (--yes). Compare it with `{compare}` on that machine.', { host, fingerprint, compare: COMPARE })}\n`,
      );
      return true;
    }
    if (!options.ask) {
      throw new Error(
        t('{host} is not known yet (host key {fingerprint}). Compare the fingerprint with `{compare}` on that machine, then accept it: {command}', {
          host,
          fingerprint,
          compare: COMPARE,
          command: `${options.again} --yes`,
        }),
      );
    }
    const answer = await options.ask(t('The host key of {host} is {fingerprint}. Is that the machine you mean? [y/N] ', { host, fingerprint }));
    return /^y(es)?$/i.test(answer.trim());
  };
}
