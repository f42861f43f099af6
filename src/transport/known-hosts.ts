// Host keys the installer has accepted, kept with the site's state in OpenSSH's known_hosts
// format (so `ssh -o UserKnownHostsFile=.runbook/known_hosts` agrees with it).
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';

export interface HostKey {
  type: string;
  blob: Buffer;
}

/** The key type named inside an SSH public key blob (its first length-prefixed string). */
export function keyType(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const len = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + len).toString('latin1');
}

/** The fingerprint OpenSSH prints: `SHA256:` and unpadded base64 of the blob's digest. */
export function fingerprint(blob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

export function hostPattern(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

export function lookupHostKey(file: string, pattern: string): HostKey | undefined {
  if (!existsSync(file)) return undefined;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [hosts, type, data] = line.trim().split(/\s+/);
    if (!hosts || !type || !data || hosts.startsWith('#')) continue;
    if (hosts.split(',').includes(pattern)) return { type, blob: Buffer.from(data, 'base64') };
  }
  return undefined;
}

export function recordHostKey(file: string, pattern: string, key: HostKey): void {
  appendFileSync(file, `${pattern} ${key.type} ${key.blob.toString('base64')}\n`, { mode: 0o600 });
}

/** ssh2 host key algorithm names that present a key of the given type. */
export function algorithmsForKeyType(type: string): string[] {
  if (type === 'ssh-rsa') return ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
  return [type];
}

export class HostKeyError extends Error {
  readonly host: string;
  constructor(host: string, message: string) {
    super(message);
    this.name = 'HostKeyError';
    this.host = host;
  }
}
