// What a lab may leave behind: processes carrying its directory, its namespace, host interfaces.
import { execa } from 'execa';
import { readdirSync, readFileSync } from 'node:fs';

export function processesMentioning(text: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ');
      if (cmdline.includes(text)) found.push(`${entry} ${cmdline.slice(0, 120)}`);
    } catch {
      /* exited meanwhile */
    }
  }
  return found;
}

export async function hostInterfaces(): Promise<string[]> {
  const out = (await execa('ip', ['-o', 'link', 'show'])).stdout;
  return out
    .split('\n')
    .map((line) => line.split(':')[1]?.trim() ?? '')
    .filter(Boolean)
    .sort();
}

export async function namespaces(): Promise<string[]> {
  return (await execa('ip', ['netns', 'list'])).stdout
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter(Boolean);
}
