// The simulated cloud: objects as CloudStack lists them, plus the clock-driven changes a
// real management server shows (hosts come Up after being added; system VMs start once the
// zone is enabled with storage and a host, then their agents come Up).
import { randomUUID } from 'node:crypto';
import { TEST_SCALE, scaledTiming, type Delays } from './timing.ts';

export type { Delays } from './timing.ts';

export type Obj = Record<string, unknown> & { id: string };

/** Upstream's timing scaled for `npm test` (test/simulator/timing.ts). */
export const DEFAULT_DELAYS: Delays = scaledTiming(TEST_SCALE);

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
  /** Addresses whose agent never calls in after addHost set it up: failure injection. */
  readonly silentAgents = new Set<string>();
  /**
   * What `hostname` prints on the machine at each address. A KVM host's name in listHosts is
   * what its agent reports (Agent.setupStartupCommand names the StartupCommand after the
   * machine's `hostname`); a simulator knows no machine, so an address not here is its own name.
   */
  readonly hostnames = new Map<string, string>();
  /** The management package lacks its KVM system VM template: failure injection (apis-templates.ts). */
  systemVmTemplateMissing = false;
  /** What the simulated management server writes to its log (failures upstream only logs). */
  readonly log: string[] = [];
  private vmCounter = 0;
  /** CloudStack's numeric database ids (one sequence per table), which some of its error texts show. */
  private readonly dbids = new Map<Collection, number>();
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
    const dbid = (this.dbids.get(collection) ?? 0) + 1;
    this.dbids.set(collection, dbid);
    const obj: Obj = { id: randomUUID(), _dbid: dbid, ...fields };
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
    // SecondaryStorageManagerImpl / ConsoleProxyManagerImpl start them only with a ready
    // system VM template (registered when the first secondary storage was added), an Up
    // primary storage pool and an Up host.
    if (
      !zoneHas('imagestore') ||
      !zoneHas('template', (t) => t.templatetype === 'SYSTEM' && t.isready === true) ||
      !zoneHas('storagepool', (s) => s.state === 'Up') ||
      !zoneHas('host', (h) => h.type === 'Routing' && h.state === 'Up')
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
