// The machine's network cards, read from /sys/class/net (physical devices only), and the one
// that carries the site's address. The installed system names that card as the site file does
// (network.interface), through a systemd .link file matching its MAC address, so every machine
// of the site has the interface the runbook's steps expect, whatever the kernel called it.
import { existsSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import type { Problem } from '../../src/diagnostics.ts';

export interface Nic {
  name: string;
  mac: string;
  driver: string;
  /** A cable (or a virtual link) is connected; read after the card was brought up. */
  carrier: boolean;
}

const readText = (file: string) => {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return '';
  }
};

export function readNics(sys = '/sys/class/net'): Nic[] {
  if (!existsSync(sys)) return [];
  return readdirSync(sys)
    .filter((name) => name !== 'lo' && existsSync(path.join(sys, name, 'device')))
    .sort()
    .map((name) => {
      let driver = '';
      try {
        driver = path.basename(readlinkSync(path.join(sys, name, 'device', 'driver')));
      } catch {
        // no driver link (some virtual buses)
      }
      return {
        name,
        mac: readText(path.join(sys, name, 'address')),
        driver,
        carrier: readText(path.join(sys, name, 'carrier')) === '1',
      };
    });
}

export function describeNic(nic: Nic): string {
  return `${nic.name} (${nic.mac}${nic.driver ? `, ${nic.driver}` : ''}${nic.carrier ? ', link up' : ', no link'})`;
}

/**
 * The card an answer names (`auto`: the only one with a link, or the only one at all; a name;
 * a MAC address). Returns the card or a problem naming what this machine has.
 */
export function chooseNic(
  nics: Nic[],
  wanted: string,
  where: { file: string; line: number },
): { nic: Nic } | { problem: Problem } {
  const list = nics.map(describeNic).join(', ') || 'none';
  const problem = (message: string, fix: string) => ({
    problem: { ...where, field: 'interface', message, fix },
  });
  if (wanted === 'auto') {
    const linked = nics.filter((n) => n.carrier);
    if (nics.length === 1) return { nic: nics[0]! };
    if (linked.length === 1) return { nic: linked[0]! };
    if (nics.length === 0)
      return problem(
        'this machine has no network card the kernel knows',
        'check the card is supported by Debian 12 (firmware may be missing)',
      );
    return problem(
      `"auto" cannot choose between ${list}`,
      'name the card that carries the site address: interface: <name or MAC address>',
    );
  }
  const lower = wanted.toLowerCase();
  const nic = nics.find((n) => n.name === wanted || n.mac.toLowerCase() === lower);
  return nic
    ? { nic }
    : problem(
        `this machine has no card ${wanted} (it has: ${list})`,
        'name one of them by name or MAC address, or write auto',
      );
}
