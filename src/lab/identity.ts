// What a lab keeps from one `lab up` to the next (identity/ in the lab directory): the client
// key the installer logs in with, each VM's SSH host key, and the loopback ports. Fresh VMs
// thus look like the same machines to the installer, whose recorded host keys stay valid.
import { execa } from 'execa';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export interface LabIdentity {
  clientKey: string;
  /** The public key's base64 blob (ed25519), as the VM's authorized_keys needs it. */
  clientKeyBlob: string;
  hostKey(name: string): Promise<string>;
  ports: Record<string, number>;
}

async function ensureKey(file: string, comment: string): Promise<void> {
  if (existsSync(file)) return;
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file]);
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        address && typeof address !== 'string'
          ? resolve(address.port)
          : reject(new Error('no free port')),
      );
    });
  });
}

/** Load or create the identity; `portNames` get a loopback port each, the same as last time when free. */
export async function loadIdentity(identityDir: string, portNames: string[]): Promise<LabIdentity> {
  mkdirSync(identityDir, { recursive: true, mode: 0o700 });
  const clientKey = path.join(identityDir, 'id_ed25519');
  await ensureKey(clientKey, 'runbook-lab');
  const blob = readFileSync(`${clientKey}.pub`, 'utf8').trim().split(/\s+/)[1];
  if (!blob)
    throw new Error(
      `${clientKey}.pub is not an OpenSSH public key; delete ${identityDir} to make a new one`,
    );

  const portsFile = path.join(identityDir, 'ports.json');
  const previous = existsSync(portsFile)
    ? (JSON.parse(readFileSync(portsFile, 'utf8')) as Record<string, number>)
    : {};
  const ports: Record<string, number> = {};
  const taken = new Set<number>();
  for (const name of portNames) {
    const before = previous[name];
    let port =
      before !== undefined && !taken.has(before) && (await portIsFree(before))
        ? before
        : await freePort();
    while (taken.has(port)) port = await freePort();
    taken.add(port);
    ports[name] = port;
  }
  writeFileSync(portsFile, JSON.stringify({ ...previous, ...ports }, null, 2) + '\n');

  return {
    clientKey,
    clientKeyBlob: blob,
    ports,
    async hostKey(name: string) {
      const file = path.join(identityDir, `${name}_ssh_host_ed25519_key`);
      await ensureKey(file, `root@${name}`);
      return file;
    },
  };
}
