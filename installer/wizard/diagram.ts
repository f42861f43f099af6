// What the runbook will build, drawn in text: the machines on their network, the bridge, the
// storage and the zone. Plain lines, so the welcome screen and the non-terminal output share it.
import type { Site } from '../../src/site-file/schema.ts';
import stringWidth from 'string-width';
import { t } from '../../src/i18n/translate.ts';

const BOX = 24;

function box(lines: string[], inner: number): string[] {
  const row = (s: string) => {
    let text = s;
    if (stringWidth(text) > inner) {
      text = '';
      for (const ch of s) if (stringWidth(text + ch) <= inner - 1) text += ch;
      text += '…';
    }
    return `│ ${text}${' '.repeat(Math.max(0, inner - stringWidth(text)))} │`;
  };
  const half = Math.floor((inner + 2) / 2);
  return [
    `┌${'─'.repeat(inner + 2)}┐`,
    ...lines.map(row),
    `└${'─'.repeat(half)}┬${'─'.repeat(inner + 1 - half)}┘`,
  ];
}

/** `172.16.10.11-172.16.10.20` → `172.16.10.11-20`: the shared prefix said once. */
export function shortRange(range: string): string {
  const [a, b] = range.split('-').map((x) => x.trim());
  if (!a || !b) return range;
  const pa = a.split('.');
  const pb = b.split('.');
  if (pa.length !== 4 || pb.length !== 4) return range;
  let same = 0;
  while (same < 3 && pa[same] === pb[same]) same++;
  return `${a}-${pb.slice(same).join('.')}`;
}

export function siteDiagram(site: Site, width = 80): string[] {
  const allInOne = site.hosts.length === 0;
  const machines = [
    {
      name: site.management.hostname,
      address: site.management.address,
      role: allInOne ? t('all-in-one: mgmt+KVM') : t('management, DB, NFS'),
    },
    ...site.hosts.map((m) => ({ name: m.hostname, address: m.address, role: t('KVM host') })),
  ];
  const room = Math.min(width, 120) - 1;
  const perRow = Math.max(1, Math.floor(room / (BOX + 1)));
  let shown = machines;
  if (machines.length > perRow) {
    shown = machines.slice(0, perRow - 1);
    shown.push({ name: t('+{count} more', { count: machines.length - shown.length }), address: '', role: t('KVM hosts') });
  }
  // Boxes grow to hold the longest name whole when the terminal has the room.
  const longest = Math.max(...shown.flatMap((m) => [m.name, m.address, m.role].map((s) => stringWidth(s))));
  const boxWidth = Math.max(BOX, Math.min(longest + 4, Math.floor(room / shown.length) - 1));
  const inner = boxWidth - 4;
  const boxes = shown.map((m) => box([m.name, m.address, m.role], inner));
  const lines: string[] = [];
  lines.push(
    t('Network {cidr}, gateway {gateway}; bridge cloudbr0 over {interface}', {
      cidr: site.network.cidr,
      gateway: site.network.gateway,
      interface: site.network.interface,
    }),
  );
  for (let i = 0; i < boxes[0]!.length; i++) lines.push(boxes.map((b) => b[i]).join(' '));
  const drop = Math.floor((boxWidth - 2) / 2) + 1;
  let wire = '';
  shown.forEach((_, i) => {
    wire += `${'═'.repeat(i === 0 ? drop : boxWidth)}╧`;
  });
  lines.push(`${wire}═══ cloudbr0`);
  lines.push(
    t('Storage: NFS {primary} (primary), {secondary} (secondary) on {host}', {
      primary: site.storage.primary,
      secondary: site.storage.secondary,
      host: site.management.hostname,
    }),
  );
  lines.push(
    t('Zone {zone}: public {public}, pod {pod}, guest VLANs {vlans}', {
      zone: site.zone.name,
      public: shortRange(site.zone.public),
      pod: shortRange(site.zone.pod),
      vlans: site.zone.guestVlans,
    }),
  );
  return lines;
}
