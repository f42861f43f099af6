// The simulated cloud: objects as CloudStack lists them, plus the clock-driven changes a
// real management server shows (hosts come Up after being added; system VMs start once the
// zone is enabled with storage and a host, then their agents come Up).
import { randomUUID } from 'node:crypto';

export type Obj = Record<string, unknown> & { id: string };

export interface Delays {
  /** Async job run time. */
  jobMs: number;
  /** From addHost until the host reports Up. */
  hostUpMs: number;
  /** From the zone being ready until the system VMs are Running. */
  systemVmStartMs: number;
  /** From a system VM Running until its agent reports Up. */
  agentUpMs: number;
}

export const DEFAULT_DELAYS: Delays = {
  jobMs: 150,
  hostUpMs: 400,
  systemVmStartMs: 500,
  agentUpMs: 300,
};

export interface User {
  id: string;
  username: string;
  password: string;
  apikey?: string;
  secretkey?: string;
  accountid: string;
  domainid: string;
}

export const COLLECTIONS = [
  'zone',
  'physicalnetwork',
  'traffictype',
  'networkserviceprovider',
  'virtualrouterelement',
  'vlan',
  'pod',
  'cluster',
  'host',
  'storagepool',
  'imagestore',
  'systemvm',
  'configuration',
  'template',
] as const;
export type Collection = (typeof COLLECTIONS)[number];

export const ROOT_DOMAIN_ID = randomUUID();
const ADMIN_ACCOUNT_ID = randomUUID();

function iso(t: number): string {
  return new Date(t).toISOString().replace(/\.\d{3}Z$/, '+0000');
}

export class Cloud {
  readonly delays: Delays;
  readonly objects: Record<Collection, Obj[]>;
  readonly users: User[];
  /** Hosts (by IP or name) forced to report Down: failure injection. */
  readonly hostsDown = new Set<string>();
  /** The management package lacks its KVM system VM template: failure injection (apis-templates.ts). */
  systemVmTemplateMissing = false;
  /** What the simulated management server writes to its log (failures upstream only logs). */
  readonly log: string[] = [];
  private vmCounter = 0;
  private readonly now: () => number;

  constructor(delays: Partial<Delays> = {}, now: () => number = Date.now) {
    this.delays = { ...DEFAULT_DELAYS, ...delays };
    this.now = now;
    this.objects = Object.fromEntries(COLLECTIONS.map((c) => [c, []])) as unknown as Record<
      Collection,
      Obj[]
    >;
    this.users = [
      {
        id: randomUUID(),
        username: 'admin',
        password: 'password',
        accountid: ADMIN_ACCOUNT_ID,
        domainid: ROOT_DOMAIN_ID,
      },
    ];
    for (const [name, value, category, description] of [
      ['expunge.delay', '86400', 'Advanced', 'Seconds to wait before a destroyed VM is expunged'],
      [
        'secstorage.allowed.internal.sites',
        '',
        'Advanced',
        'Networks the secondary storage VM may download templates from',
      ],
      ['host', '', 'Advanced', 'The management server address agents connect to'],
    ] as const) {
      this.objects.configuration.push({
        id: randomUUID(),
        name,
        value,
        category,
        description,
        isdynamic: true,
        scope: 'global',
      });
    }
  }

  created(): string {
    return iso(this.now());
  }

  add(collection: Collection, fields: Record<string, unknown>): Obj {
    const obj: Obj = { id: randomUUID(), ...fields };
    this.objects[collection].push(obj);
    return obj;
  }

  byId(collection: Collection, id: string | undefined): Obj | undefined {
    return id === undefined ? undefined : this.objects[collection].find((o) => o.id === id);
  }

  /** Bring clock-driven state up to date; called before every answer. */
  advance(): void {
    const now = this.now();
    for (const host of this.objects.host) {
      const down =
        this.hostsDown.has(String(host.ipaddress)) || this.hostsDown.has(String(host.name));
      if (host.type === 'Routing') {
        host.state = down ? 'Down' : now >= Number(host._upAt) ? 'Up' : 'Connecting';
      } else if (host._upAt !== undefined) {
        host.state = down ? 'Down' : now >= Number(host._upAt) ? 'Up' : 'Connecting';
      }
    }
    for (const zone of this.objects.zone) this.startSystemVms(zone, now);
    for (const vm of this.objects.systemvm) {
      if (vm.state === 'Starting' && now >= Number(vm._runningAt)) vm.state = 'Running';
      const agent = this.objects.host.find((h) => h.name === vm.name);
      vm.agentstate = agent?.state ?? 'Disconnected';
    }
  }

  /**
   * System VMs start once the zone is Enabled and has secondary storage, primary storage, a host
   * Up and a ready system VM template (without one upstream keeps retrying and never starts them).
   */
  private startSystemVms(zone: Obj, now: number): void {
    if (zone.allocationstate !== 'Enabled') return;
    if (this.objects.systemvm.some((v) => v.zoneid === zone.id)) return;
    const zoneHas = (c: Collection, test: (o: Obj) => boolean = () => true) =>
      this.objects[c].some((o) => o.zoneid === zone.id && test(o));
    if (
      !zoneHas('imagestore') ||
      !zoneHas('storagepool') ||
      !zoneHas('host', (h) => h.type === 'Routing' && h.state === 'Up') ||
      !zoneHas('template', (t) => t.templatetype === 'SYSTEM' && t.isready === true)
    )
      return;
    const pod = this.objects.pod.find((p) => p.zoneid === zone.id);
    const host = this.objects.host.find(
      (h) => h.zoneid === zone.id && h.type === 'Routing' && h.state === 'Up',
    )!;
    for (const [type, prefix, hostType] of [
      ['secondarystoragevm', 's', 'SecondaryStorageVM'],
      ['consoleproxy', 'v', 'ConsoleProxy'],
    ] as const) {
      const n = ++this.vmCounter;
      const name = `${prefix}-${n}-VM`;
      const runningAt = now + this.delays.systemVmStartMs;
      this.add('systemvm', {
        name,
        systemvmtype: type,
        zoneid: zone.id,
        zonename: zone.name,
        podid: pod?.id,
        hostid: host.id,
        hostname: host.name,
        state: 'Starting',
        agentstate: 'Disconnected',
        created: iso(now),
        dns1: zone.dns1,
        gateway: pod?.gateway,
        privateip: pod?.startip,
        publicip: undefined,
        linklocalip: '169.254.0.' + (10 + n),
        activeviewersessions: 0,
        arch: 'x86_64',
        hypervisor: 'KVM',
        _runningAt: runningAt,
      });
      this.add('host', {
        name,
        type: hostType,
        zoneid: zone.id,
        zonename: zone.name,
        podid: pod?.id,
        podname: pod?.name,
        ipaddress: pod?.startip,
        state: 'Connecting',
        resourcestate: 'Enabled',
        version: '4.22.0.0',
        created: iso(now),
        events: '',
        hahost: false,
        _upAt: runningAt + this.delays.agentUpMs,
      });
    }
  }
}

/** An object as CloudStack shows it: internal fields (leading `_`) and undefined values dropped. */
export function shown(o: Obj): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(o).filter(([k, v]) => !k.startsWith('_') && v !== undefined),
  );
}
