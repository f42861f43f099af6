// What the live system knows about the machine it runs on: disks (and which of them carry the
// installer or the answer file), network cards with their link state, volume groups already
// on the disks, the firmware, and the kernel command line's runbook.* parameters.
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Shell } from './engine.ts';
import { LSBLK_ARGS, parseLsblk, type Disk } from './disks.ts';
import { LIVE_MEDIUM } from './live-paths.ts';
import { readNics, type Nic } from './nics.ts';

export interface MachineFacts {
  disks: Disk[];
  /** Disk names that must never be erased: the installer's medium, the answer stick. */
  protectedDisks: string[];
  nics: Nic[];
  efi: boolean;
  /** console= parameters, in order (the last is where the installer's screens are). */
  consoleArgs: string[];
  /** runbook.answer, runbook.machine, runbook.lang from the kernel command line. */
  options: Record<string, string>;
  /** Volume groups and the physical volumes they sit on. */
  volumeGroups: { name: string; pv: string }[];
}

export function parseCmdline(cmdline: string): {
  consoleArgs: string[];
  options: Record<string, string>;
} {
  const words = cmdline.trim().split(/\s+/).filter(Boolean);
  const options: Record<string, string> = {};
  for (const word of words) {
    const match = /^runbook\.([a-z]+)=(.*)$/.exec(word);
    if (match) options[match[1]!] = match[2]!;
  }
  return { consoleArgs: words.filter((w) => w.startsWith('console=')), options };
}

/** The whole disk a device belongs to (`/dev/sdb1` → `sdb`, `/dev/sr0` → `sr0`). */
export async function diskOf(device: string, shell: Shell): Promise<string> {
  const parent = (
    await shell.run('lsblk', ['-n', '-d', '-o', 'PKNAME', device]).catch(() => '')
  ).trim();
  return parent || device.replace(/^\/dev\//, '');
}

export async function mediumDisk(
  shell: Shell,
  mountPoint = LIVE_MEDIUM,
): Promise<string | undefined> {
  const source = (
    await shell.run('findmnt', ['-n', '-o', 'SOURCE', mountPoint]).catch(() => '')
  ).trim();
  return source.startsWith('/dev/') ? diskOf(source, shell) : undefined;
}

export async function probeMachine(
  shell: Shell,
  extraProtected: string[] = [],
): Promise<MachineFacts> {
  const { consoleArgs, options } = parseCmdline(
    existsSync('/proc/cmdline') ? readFileSync('/proc/cmdline', 'utf8') : '',
  );
  const disks = parseLsblk(await shell.run('lsblk', LSBLK_ARGS));
  const medium = await mediumDisk(shell);
  // Bring every card up so the kernel can tell which has a link, then give links a moment.
  for (const nic of readNics())
    await shell.run('ip', ['link', 'set', nic.name, 'up']).catch(() => '');
  await sleep(3000);
  const vgs = await shell
    .run('pvs', ['--noheadings', '-o', 'vg_name,pv_name', '--separator', ':'])
    .catch(() => '');
  return {
    disks,
    protectedDisks: [...new Set([...(medium ? [medium] : []), ...extraProtected])],
    nics: readNics(),
    efi: existsSync('/sys/firmware/efi'),
    consoleArgs,
    options,
    volumeGroups: vgs
      .split('\n')
      .map((l) => l.trim().split(':'))
      .filter(([name, pv]) => name && pv)
      .map(([name, pv]) => ({ name: name!, pv: pv! })),
  };
}
