// The answer folder `runbook iso` writes (into an ISO, or onto a USB stick): the answer file,
// the site file, and SSH keys made once per site and kept in its state folder
// (.runbook/machine-keys/): every machine's host key, and the management server's key that
// every machine trusts. The operator's known_hosts (.runbook/known_hosts) learns the host keys
// too, so neither the operator's installer nor the management server's wizard has to ask.
import { execa } from 'execa';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { InputError } from '../../src/diagnostics.ts';
import { machinesOf } from '../../src/plan/build.ts';
import type { LoadedSite } from '../../src/site-file/load.ts';
import { statePaths, ensureStateDir } from '../../src/state/paths.ts';
import { hostPattern } from '../../src/transport/known-hosts.ts';
import { ANSWER_FILE, isPublicKeyLine, type Answer } from './answer-file.ts';
import { siteMachines, type SiteMachine } from './machines.ts';

export interface AnswerFolderOptions {
  loaded: LoadedSite;
  out: string;
  machine?: string;
  disk?: string;
  interface?: string;
  language?: Answer['language'];
}

/** ssh-keygen, once: the key stays in the site's state folder for every later ISO. */
async function keyPair(
  file: string,
  comment: string,
): Promise<{ privateKey: string; publicKey: string }> {
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file]);
  }
  return {
    privateKey: readFileSync(file, 'utf8'),
    publicKey: readFileSync(`${file}.pub`, 'utf8').trim(),
  };
}

/** The operator's public key: the .pub beside ssh.identity. */
export function operatorKey(loaded: LoadedSite): string {
  const identity = machinesOf(loaded.site, loaded.file)[0]?.ssh.identity;
  const pub = identity ? `${identity}.pub` : undefined;
  const line =
    pub && existsSync(pub)
      ? readFileSync(pub, 'utf8')
          .split('\n')
          .find((l) => isPublicKeyLine(l))
      : undefined;
  if (!line)
    throw new InputError([
      {
        file: loaded.file,
        line: 0,
        field: 'ssh.identity',
        message: identity
          ? `has no public key ${pub} beside it, which the machines need to let you in`
          : 'names no key; the machines installed from the ISO accept SSH keys only',
        fix: identity
          ? `write it with: ssh-keygen -y -f ${identity} > ${pub}`
          : 'set ssh.identity to your private key (its .pub file must be beside it)',
      },
    ]);
  return line.trim();
}

/** Replaces the lines for `pattern` in a known_hosts file with this key. */
function setKnownHost(file: string, pattern: string, publicKey: string): void {
  const [type, data] = publicKey.split(/\s+/);
  const kept = existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l.trim() && l.split(/\s+/)[0] !== pattern)
    : [];
  writeFileSync(file, [...kept, `${pattern} ${type} ${data}`].join('\n') + '\n', { mode: 0o600 });
}

export async function writeAnswerFolder(
  options: AnswerFolderOptions,
): Promise<{ machines: SiteMachine[]; machine?: SiteMachine }> {
  const { loaded, out } = options;
  const machines = siteMachines(loaded.site);
  const machine = options.machine
    ? machines.find((m) => m.hostname === options.machine)
    : machines.length === 1
      ? machines[0]
      : undefined;
  if (options.machine && !machine)
    throw new InputError([
      {
        file: loaded.file,
        line: 0,
        field: '--machine',
        message: `"${options.machine}" is not a machine of this site; it has ${machines.map((m) => m.hostname).join(', ')}`,
        fix: 'name the management server or one of the KVM hosts',
      },
    ]);
  const rootKey = operatorKey(loaded);
  const paths = statePaths(path.resolve(loaded.file));
  ensureStateDir(paths);
  const keys = path.join(paths.dir, 'machine-keys');
  const management = await keyPair(
    path.join(keys, 'management', 'id_ed25519'),
    `cloudstack-runbook@${machines[0]!.hostname}`,
  );
  mkdirSync(path.join(out, 'management-key'), { recursive: true });
  writeFileSync(path.join(out, 'management-key', 'id_ed25519'), management.privateKey, {
    mode: 0o600,
  });
  writeFileSync(path.join(out, 'management-key', 'id_ed25519.pub'), `${management.publicKey}\n`);

  const byAddress: string[] = [];
  const targets = machinesOf(loaded.site, loaded.file);
  for (const m of machines) {
    const host = await keyPair(
      path.join(keys, m.hostname, 'ssh_host_ed25519_key'),
      `root@${m.hostname}`,
    );
    const dir = path.join(out, 'host-keys', m.hostname);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'ssh_host_ed25519_key'), host.privateKey, { mode: 0o600 });
    writeFileSync(path.join(dir, 'ssh_host_ed25519_key.pub'), `${host.publicKey}\n`);
    const [type, data] = host.publicKey.split(/\s+/);
    byAddress.push(`${m.address} ${type} ${data}`);
    const target = targets.find((tm) => tm.name === m.hostname)!;
    setKnownHost(paths.knownHosts, hostPattern(target.ssh.host, target.ssh.port), host.publicKey);
  }
  writeFileSync(path.join(out, 'known_hosts'), byAddress.join('\n') + '\n');
  writeFileSync(path.join(out, 'site.yaml'), readFileSync(loaded.file, 'utf8'));
  const answer: Partial<Answer> = {
    site: 'site.yaml',
    ...(machine ? { machine: machine.hostname } : {}),
    disk: options.disk ?? 'auto',
    interface: options.interface ?? 'auto',
    language: options.language ?? 'en',
    authorizedKeys: [rootKey],
  };
  writeFileSync(
    path.join(out, ANSWER_FILE),
    `# CloudStack Runbook answer file, written by \`runbook iso\` for the site ${loaded.site.name}.\n# The machine installer reads it and installs without asking (installer/machine-install/answer-file.ts).\n${stringify(answer)}`,
  );
  return { machines, ...(machine ? { machine } : {}) };
}
