// Small IPv4 arithmetic for the site checks: addresses as unsigned 32-bit numbers.
import { t } from '../i18n/translate.ts';

const OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`^${OCTET}(\\.${OCTET}){3}$`);

export function isIpv4(text: string): boolean {
  return IPV4.test(text);
}

export function toNumber(ip: string): number {
  return ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

export function fromNumber(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

export interface Cidr {
  network: number;
  prefix: number;
  /** Number of addresses, network and broadcast included. */
  size: number;
}

/** Parses `a.b.c.d/n`; returns an error sentence instead of throwing. */
export function parseCidr(text: string): Cidr | string {
  const match = /^([^/]+)\/(\d{1,2})$/.exec(text);
  if (!match || !isIpv4(match[1]!)) return t('is not in address/prefix form (like 172.16.10.0/24)');
  const prefix = Number(match[2]);
  if (prefix < 8 || prefix > 30) return t('has prefix /{prefix}; use a prefix from /8 to /30', { prefix });
  const size = 2 ** (32 - prefix);
  const address = toNumber(match[1]!);
  const network = address - (address % size);
  if (network !== address) {
    return t('has host bits set; the network address is {network}', { network: `${fromNumber(network)}/${prefix}` });
  }
  return { network, prefix, size };
}

export function netmaskOf(prefix: number): string {
  return fromNumber(2 ** 32 - 2 ** (32 - prefix));
}

/** True for usable host addresses (not the network or broadcast address). */
export function isHostIn(cidr: Cidr, ip: number): boolean {
  return ip > cidr.network && ip < cidr.network + cidr.size - 1;
}

export interface Range {
  start: number;
  end: number;
}

/** Parses `a.b.c.d-e.f.g.h`; returns an error sentence instead of throwing. */
export function parseRange(text: string): Range | string {
  const parts = text.split('-').map((s) => s.trim());
  if (parts.length !== 2 || !isIpv4(parts[0]!) || !isIpv4(parts[1]!)) {
    return t('is not a range of two addresses (like 172.16.10.11-172.16.10.20)');
  }
  const start = toNumber(parts[0]!);
  const end = toNumber(parts[1]!);
  if (start > end) return t('starts after it ends ({start} > {end})', { start: parts[0]!, end: parts[1]! });
  return { start, end };
}

export function rangeSize(range: Range): number {
  return range.end - range.start + 1;
}

export function overlaps(a: Range, b: Range): boolean {
  return a.start <= b.end && b.start <= a.end;
}

export function contains(range: Range, ip: number): boolean {
  return ip >= range.start && ip <= range.end;
}
