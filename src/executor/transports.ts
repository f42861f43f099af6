// How the executor reaches a machine by default: SSH with the site's known_hosts, or the
// installer's own machine when the site says `ssh: { host: local }`.
import type { Machine } from '../plan/model.ts';
import type { StatePaths } from '../state/paths.ts';
import { LocalTransport } from '../transport/local.ts';
import { SshTransport } from '../transport/ssh.ts';
import type { Transport } from '../transport/types.ts';

/** `ssh: { host: local }` in the site file: run on the installer's own machine, without SSH. */
export const LOCAL_HOST = 'local';

export interface TransportAnswers {
  confirmHostKey: (host: string, fingerprint: string) => Promise<boolean>;
  askPassword?: (host: string) => Promise<string>;
}

export function defaultTransport(
  machine: Machine,
  paths: StatePaths,
  answers: TransportAnswers,
): Transport {
  if (machine.ssh.host === LOCAL_HOST) return new LocalTransport(machine.name);
  return new SshTransport({
    host: machine.name,
    target: machine.ssh,
    knownHostsFile: paths.knownHosts,
    confirmHostKey: answers.confirmHostKey,
    askPassword: answers.askPassword,
  });
}
