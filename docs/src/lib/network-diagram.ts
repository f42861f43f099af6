// The picture of the cloud the runbook builds, as SVG text drawn from the site's variables (the
// engine's siteVariables(), so the reader's "Your addresses" redraw it) with translated labels.
// One pure function for the site (server render, then the browser on every form change) and
// for the book (PDF/EPUB, default values). Two layouts: `wide` (content column, book page) and
// `narrow` (phones), so text stays readable at both.
export const DIAGRAM_LABEL_KEYS = [
  'network',
  'gateway',
  'management',
  'kvmHost',
  'allInOne',
  'bridge',
  'api',
  'database',
  'exports',
  'primary',
  'secondary',
  'agent',
  'nfs',
  'systemVms',
  'ssvm',
  'cpvm',
  'routers',
  'podRange',
  'publicRange',
  'guestVlans',
  'ranges',
  'title',
] as const;

export type DiagramLabels = Record<(typeof DIAGRAM_LABEL_KEYS)[number], string>;
export type DiagramLayout = 'wide' | 'narrow';

/** The site variables the diagram shows (DESIGN.md section 3 names). */
export const DIAGRAM_VARIABLES = [
  'NETWORK_CIDR',
  'GATEWAY',
  'MGMT_IP',
  'MGMT_HOSTNAME',
  'KVM_HOST_IPS',
  'KVM_HOSTNAMES',
  'ALL_IN_ONE',
  'INTERFACE',
  'BRIDGE',
  'PRIMARY_EXPORT',
  'SECONDARY_EXPORT',
  'PUBLIC_START',
  'PUBLIC_END',
  'POD_START',
  'POD_END',
  'GUEST_VLAN_RANGE',
] as const;

const FONT = 12;
const LINE = 16;
const PAD = 8;
/** More hosts than this are summarised in one box ("+ N more"). */
const SHOWN_HOSTS = 4;

interface Box {
  x: number;
  y: number;
  w: number;
  title: string;
  lines: string[];
  kind: 'gateway' | 'management' | 'host' | 'vms' | 'ranges';
  /** Where the network stub meets the box, and its address label. */
  address?: string;
}

function escape(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** Rough advance of a string at FONT px: CJK and full-width glyphs take one em, others ~0.6. */
function textWidth(text: string, size = FONT): number {
  let em = 0;
  for (const char of text) em += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(char) ? 1 : 0.6;
  return em * size;
}

/** Breaks text into lines no wider than `width`: at spaces, or between CJK characters. */
export function wrapLabel(text: string, width: number, size = FONT): string[] {
  const tokens = text.match(/[\u2e80-\ua4cf\uff00-\uffef][、。，：；）」]?|[^\s\u2e80-\ua4cf\uff00-\uffef]+\s*|\s+/gu) ?? [text];
  const lines: string[] = [];
  let current = '';
  for (const token of tokens) {
    const candidate = current + token;
    if (current && textWidth(candidate.trimEnd(), size) > width) {
      lines.push(current.trimEnd());
      current = token.trimStart();
    } else current = candidate;
  }
  if (current.trim()) lines.push(current.trimEnd());
  return lines;
}

function boxHeight(box: Box, titleSize: number): number {
  return PAD * 2 + titleSize + 4 + box.lines.length * LINE;
}

function bridgeLine(vars: Record<string, string>, labels: DiagramLabels): string {
  return `${labels.bridge} ${vars.BRIDGE ?? 'cloudbr0'} (${vars.INTERFACE ?? ''})`;
}

function gatewayBox(vars: Record<string, string>, labels: DiagramLabels, width: number): Box {
  return { x: 0, y: 0, w: width, kind: 'gateway', title: labels.gateway, address: vars.GATEWAY, lines: [vars.GATEWAY ?? ''] };
}

function managementBox(vars: Record<string, string>, labels: DiagramLabels, width: number): Box {
  const wrap = (text: string) => wrapLabel(text, width - PAD * 2);
  return {
    x: 0,
    y: 0,
    w: width,
    kind: 'management',
    title: labels.management,
    address: vars.MGMT_IP,
    lines: [
      `${vars.MGMT_HOSTNAME} · ${vars.MGMT_IP}`,
      ...wrap(bridgeLine(vars, labels)),
      ...wrap(labels.api),
      ...wrap(labels.database),
      ...wrap(`${labels.exports}:`),
      `  ${vars.PRIMARY_EXPORT} (${labels.primary})`,
      `  ${vars.SECONDARY_EXPORT} (${labels.secondary})`,
      ...(vars.ALL_IN_ONE === 'yes' ? [...wrap(labels.allInOne), ...wrap(labels.agent)] : []),
    ],
  };
}

/** The KVM hosts (none in an all-in-one cloud); beyond SHOWN_HOSTS the rest share one box. */
function hostBoxes(vars: Record<string, string>, labels: DiagramLabels, width: number): Box[] {
  if (vars.ALL_IN_ONE === 'yes') return [];
  const wrap = (text: string) => wrapLabel(text, width - PAD * 2);
  const ips = (vars.KVM_HOST_IPS ?? '').split(/\s+/).filter(Boolean);
  const names = (vars.KVM_HOSTNAMES ?? '').split(/\s+/);
  const shown = ips.length > SHOWN_HOSTS ? SHOWN_HOSTS - 1 : SHOWN_HOSTS;
  const boxes: Box[] = ips.slice(0, shown).map((ip, i) => ({
    x: 0,
    y: 0,
    w: width,
    kind: 'host',
    title: labels.kvmHost,
    address: ip,
    lines: [`${names[i] ?? ''} · ${ip}`, ...wrap(bridgeLine(vars, labels)), ...wrap(labels.agent)],
  }));
  const rest = ips.slice(shown);
  if (rest.length > 0)
    boxes.push({ x: 0, y: 0, w: width, kind: 'host', title: `${labels.kvmHost} × ${rest.length}`, address: rest[0], lines: wrap(rest.join(', ')) });
  return boxes;
}

function lowerBoxes(vars: Record<string, string>, labels: DiagramLabels, width: number): Box[] {
  const inner = width - PAD * 2;
  const wrap = (text: string) => wrapLabel(text, inner);
  const range = (text: string, first?: string, last?: string) => [
    ...wrap(`${text}:`),
    `  ${first ?? ''} – ${last ?? ''}`,
  ];
  return [
    {
      x: 0,
      y: 0,
      w: width,
      kind: 'vms',
      title: labels.systemVms,
      lines: [...wrap(`${labels.ssvm} · ${labels.cpvm} · ${labels.routers}`)],
    },
    {
      x: 0,
      y: 0,
      w: width,
      kind: 'ranges',
      title: labels.ranges,
      lines: [
        ...range(labels.podRange, vars.POD_START, vars.POD_END),
        ...range(labels.publicRange, vars.PUBLIC_START, vars.PUBLIC_END),
        ...wrap(labels.guestVlans.replace(/\{\{range\}\}/g, vars.GUEST_VLAN_RANGE ?? '')),
      ],
    },
  ];
}

function drawBox(box: Box): string {
  const titleSize = FONT + 1;
  const h = boxHeight(box, titleSize);
  const text = [
    `<text class="rb-d-title" x="${box.x + PAD}" y="${box.y + PAD + titleSize}" font-size="${titleSize}">${escape(box.title)}</text>`,
    ...box.lines.map(
      (line, i) =>
        `<text x="${box.x + PAD}" y="${box.y + PAD + titleSize + 4 + LINE * (i + 1) - 3}" font-size="${FONT}" xml:space="preserve">${escape(line)}</text>`,
    ),
  ];
  return `<g class="rb-d-box rb-d-box--${box.kind}"><rect x="${box.x}" y="${box.y}" width="${box.w}" height="${h}" rx="6"/>${text.join('')}</g>`;
}

const STYLE = `<style>
.rb-d text { fill: var(--rb-d-text, #1f2933); font-family: var(--sl-font, system-ui, sans-serif); }
.rb-d .rb-d-title { font-weight: 700; }
.rb-d rect { fill: var(--rb-d-fill, #f3f6fa); stroke: var(--rb-d-stroke, #7b8794); stroke-width: 1.2; }
.rb-d .rb-d-box--management rect { stroke: #2f80ed; stroke-width: 2; }
.rb-d .rb-d-box--host rect { stroke: #27ae60; stroke-width: 2; }
.rb-d .rb-d-box--vms rect { stroke: #f2994a; stroke-dasharray: 5 3; }
.rb-d .rb-d-box--ranges rect { fill: none; stroke-dasharray: 2 3; }
.rb-d .rb-d-bus { stroke: var(--rb-d-text, #1f2933); stroke-width: 4; }
.rb-d .rb-d-stub { stroke: var(--rb-d-text, #1f2933); stroke-width: 2; }
.rb-d .rb-d-nfs { stroke: #2f80ed; stroke-width: 1.5; stroke-dasharray: 4 3; fill: none; }
.rb-d .rb-d-nfs-label { fill: #2f80ed; font-weight: 700; }
</style>`;

function svg(width: number, height: number, labels: DiagramLabels, body: string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" class="rb-d" viewBox="0 0 ${width} ${Math.ceil(height)}" width="${width}" height="${Math.ceil(height)}" role="img" aria-label="${escape(labels.title)}"><title>${escape(labels.title)}</title>${STYLE}${body.join('')}</svg>`;
}

export function networkDiagramSvg(
  vars: Record<string, string>,
  labels: DiagramLabels,
  layout: DiagramLayout = 'wide',
): string {
  return layout === 'wide' ? wideDiagram(vars, labels) : narrowDiagram(vars, labels);
}

/** Bus across the top; gateway, management server and the hosts' column beneath; VMs and ranges below. */
function wideDiagram(vars: Record<string, string>, labels: DiagramLabels): string {
  const W = 680;
  const top = 62;
  const gap = 14;
  /** Room between the management server and the hosts for the NFS lines and their label. */
  const nfsGap = 44;
  const allInOne = vars.ALL_IN_ONE === 'yes';
  const columns = allInOne ? [130, 350, 0] : [100, 266, 240];
  const x = [10, 10 + columns[0]! + gap, 10 + columns[0]! + columns[1]! + gap + nfsGap];
  const gw = { ...gatewayBox(vars, labels, columns[0]!), x: x[0]!, y: top };
  const mgmt = { ...managementBox(vars, labels, columns[1]!), x: x[1]!, y: top };
  const hosts: Box[] = [];
  let y = top;
  for (const host of hostBoxes(vars, labels, columns[2]!)) {
    hosts.push({ ...host, x: x[2]!, y });
    y += boxHeight(host, FONT + 1) + gap;
  }
  const body: string[] = [];
  body.push(`<text class="rb-d-title" x="10" y="24" font-size="${FONT + 1}">${escape(`${labels.network} ${vars.NETWORK_CIDR}`)}</text>`);
  body.push(`<line class="rb-d-bus" x1="10" y1="38" x2="${W - 4}" y2="38"/>`);
  for (const box of [gw, mgmt, ...hosts.slice(0, 1)]) {
    const cx = box.x + box.w / 2;
    body.push(`<line class="rb-d-stub" x1="${cx}" y1="38" x2="${cx}" y2="${box.y}"/>`);
    body.push(`<text x="${cx + 4}" y="54" font-size="${FONT - 1}">${escape(box.address ?? '')}</text>`);
  }
  // Further hosts hang from a drop line on the right.
  if (hosts.length > 1) {
    const dropX = W - 4;
    const last = hosts.at(-1)!;
    body.push(`<line class="rb-d-stub" x1="${dropX}" y1="38" x2="${dropX}" y2="${last.y + 20}"/>`);
    for (const host of hosts.slice(1))
      body.push(`<line class="rb-d-stub" x1="${host.x + host.w}" y1="${host.y + 20}" x2="${dropX}" y2="${host.y + 20}"/>`);
  }
  // NFS: every host mounts the management server's exports.
  const exportsY = mgmt.y + PAD + FONT + 1 + 4 + LINE * (mgmt.lines.findIndex((l) => l.startsWith('  ')) + 1) - 3;
  for (const host of hosts) {
    const hy = host.y + boxHeight(host, FONT + 1) / 2;
    body.push(`<path class="rb-d-nfs" d="M ${host.x} ${hy} L ${mgmt.x + mgmt.w} ${exportsY}"/>`);
  }
  if (hosts.length > 0)
    body.push(`<text class="rb-d-nfs-label" x="${mgmt.x + mgmt.w + nfsGap / 2}" y="${exportsY - 8}" font-size="${FONT - 1}" text-anchor="middle">${escape(labels.nfs)}</text>`);
  body.push(...[gw, mgmt, ...hosts].map(drawBox));
  let bottom = Math.max(gw.y + boxHeight(gw, FONT + 1), mgmt.y + boxHeight(mgmt, FONT + 1), y - gap) + 18;
  const [vms, ranges] = lowerBoxes(vars, labels, (W - 20 - gap) / 2);
  const vmBox = { ...vms!, x: 10, y: bottom };
  const rangeBox = { ...ranges!, x: 10 + vmBox.w + gap, y: bottom };
  body.push(drawBox(vmBox), drawBox(rangeBox));
  bottom += Math.max(boxHeight(vmBox, FONT + 1), boxHeight(rangeBox, FONT + 1)) + 10;
  return svg(W, bottom, labels, body);
}

/** Bus down the left; every box stacked to its right. */
function narrowDiagram(vars: Record<string, string>, labels: DiagramLabels): string {
  const W = 360;
  const left = 34;
  /** The right margin carries the NFS lines. */
  const width = W - left - 30;
  const gap = 12;
  const body: string[] = [];
  body.push(`<text class="rb-d-title" x="6" y="18" font-size="${FONT + 1}">${escape(`${labels.network} ${vars.NETWORK_CIDR}`)}</text>`);
  let y = 32;
  const machines: Box[] = [];
  for (const box of [gatewayBox(vars, labels, width), managementBox(vars, labels, width), ...hostBoxes(vars, labels, width)]) {
    machines.push({ ...box, x: left, y });
    y += boxHeight(box, FONT + 1) + gap;
  }
  const lastStub = machines.at(-1)!.y + 20;
  body.push(`<line class="rb-d-bus" x1="14" y1="26" x2="14" y2="${lastStub}"/>`);
  for (const box of machines) body.push(`<line class="rb-d-stub" x1="14" y1="${box.y + 20}" x2="${box.x}" y2="${box.y + 20}"/>`);
  const mgmt = machines[1]!;
  const exportsY = mgmt.y + PAD + FONT + 1 + 4 + LINE * (mgmt.lines.findIndex((l) => l.startsWith('  ')) + 1) - 7;
  for (const host of machines.slice(2)) {
    const hy = host.y + 20;
    body.push(`<path class="rb-d-nfs" d="M ${host.x + host.w} ${hy} H ${W - 14} V ${exportsY} H ${mgmt.x + mgmt.w}"/>`);
  }
  if (machines.length > 2) {
    const lx = W - 4;
    const ly = exportsY + 34;
    body.push(`<text class="rb-d-nfs-label" x="${lx}" y="${ly}" font-size="${FONT - 1}" transform="rotate(-90 ${lx} ${ly})">${escape(labels.nfs)}</text>`);
  }
  body.push(...machines.map(drawBox));
  y += 6;
  for (const box of lowerBoxes(vars, labels, W - 20)) {
    body.push(drawBox({ ...box, x: 10, y }));
    y += boxHeight(box, FONT + 1) + gap;
  }
  return svg(W, y, labels, body);
}
