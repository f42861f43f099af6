// The ISO's config file (appliance/iso/config.yaml): checked at the edge, one message per problem.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';

const ipv4 = z
  .string()
  .regex(
    /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/,
    'must be an IPv4 address like 172.16.10.1',
  );
const hostLabel = z
  .string()
  .regex(
    /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/,
    'must be a host name: lower-case letters, digits and dashes',
  );
const sshKey = z
  .string()
  .regex(
    /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com) [A-Za-z0-9+/=]+( .*)?$/,
    'must be one OpenSSH public key line (ssh-ed25519 AAAA... comment)',
  );

export const IsoConfigSchema = z.strictObject({
  hostname: hostLabel.default('cloudstack-mgmt'),
  domain: z
    .string()
    .regex(/^[a-z0-9.-]+$/, 'must be a DNS domain')
    .default('cloud.internal'),
  network: z.strictObject({
    netmask: ipv4,
    gateway: ipv4,
    dns: z.array(ipv4).min(1, 'needs at least one name server'),
  }),
  mirror: z
    .string()
    .regex(/^[a-z0-9.-]+$/, 'must be a host name (the archive is reached over http)')
    .default('deb.debian.org'),
  authorizedKeys: z.array(sshKey).default([]),
  timezone: z.string().default('UTC'),
});
export type IsoConfig = z.infer<typeof IsoConfigSchema>;

export function loadIsoConfig(file: string): IsoConfig {
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  const result = IsoConfigSchema.safeParse(raw ?? {});
  if (!result.success) {
    const lines = result.error.issues.map(
      (issue) => `${file}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`,
    );
    throw new Error(lines.join('\n'));
  }
  return result.data;
}
