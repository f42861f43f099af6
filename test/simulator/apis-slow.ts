// The synchronous APIs upstream holds open for minutes (their commands extend BaseCmd), modelled
// step by step in upstream's timing (timing.ts): what is listed while the call still runs, what
// a second call meanwhile gets, and upstream's texts when it fails. The work goes on when the
// connection is lost, as it does on a real management server.
import { createHash } from 'node:crypto';
import { shown, type Obj } from './model.ts';
import { registerSystemVmTemplates } from './apis-templates.ts';
import {
  ApiFault,
  eq,
  need,
  obj,
  zoneFields,
  type CallContext,
  type Handler,
} from './handler-kit.ts';

/** java.util.UUID.nameUUIDFromBytes: the guid upstream gives a KVM host (from its address). */
export function nameUuid(text: string): string {
  const b = createHash('md5').update(text, 'utf8').digest();
  b[6] = (b[6]! & 0x0f) | 0x30;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The host rows being set up, by address: a second addHost meanwhile reruns the setup. */
const setups = new WeakMap<object, Map<string, { agentUpAt: number }>>();

function setupsOf(ctx: CallContext): Map<string, { agentUpAt: number }> {
  let m = setups.get(ctx.cloud);
  if (!m) setups.set(ctx.cloud, (m = new Map()));
  return m;
}

/** The row the agent's StartupRoutingCommand makes (AgentManagerImpl, ResourceManagerImpl.createHostVOForConnectedAgent). */
function agentCalledIn(
  ctx: CallContext,
  address: string,
  where: { zone: Obj; pod: Obj; cluster: Obj },
  upAt: number,
): Obj {
  const existing = ctx.cloud.objects.host.find(
    (h) => h.type === 'Routing' && h.ipaddress === address,
  );
  if (existing) return existing;
  const { zone, pod, cluster } = where;
  return ctx.cloud.add('host', {
    name: ctx.cloud.hostnames.get(address) ?? address,
    type: 'Routing',
    ipaddress: address,
    hypervisor: ctx.params.hypervisor,
    hypervisorversion: '7.2.0',
    clusterid: cluster.id,
    clustername: cluster.name,
    clustertype: 'CloudManaged',
    podid: pod.id,
    podname: pod.name,
    ...zoneFields(zone),
    state: 'Connecting',
    resourcestate: 'Enabled',
    version: '4.22.0.0',
    cpunumber: 4,
    cpuspeed: 2400,
    memorytotal: 8589934592,
    capabilities: 'hvm',
    created: ctx.cloud.created(),
    events: 'AgentConnected; HostDown; Ping; Remove',
    hahost: false,
    hasannotations: false,
    islocalstorageactive: false,
    arch: 'x86_64',
    _guid: `${nameUuid(address)}-LibvirtComputingResource`,
    _upAt: upAt,
  });
}

/** models ResourceManagerImpl.discoverHostsFull → LibvirtServerDiscoverer.find + waitForHostConnect */
const addHost: Handler = async (ctx) => {
  const p = ctx.params;
  const d = ctx.cloud.delays;
  const zone = need(ctx, 'zone', 'zoneid');
  const pod = need(ctx, 'pod', 'podid');
  const cluster = p.clusterid
    ? need(ctx, 'cluster', 'clusterid')
    : ctx.cloud.objects.cluster.find((c) => c.podid === pod.id && eq(c.name, p.clustername));
  if (!cluster)
    throw new ApiFault(
      431,
      'Unable to execute API command addhost due to missing parameter clusterid',
    );
  let address: string;
  try {
    address = new URL(p.url!).hostname;
  } catch {
    throw new ApiFault(431, `${p.url} is not a valid uri`);
  }
  const where = `Could not add host at [${p.url}] with zone [${zone._dbid}], pod [${pod._dbid}] and cluster [${cluster._dbid}] due to:`;
  // LibvirtServerDiscoverer.find: a Routing host of the zone with this address's guid is
  // refused; the CloudRuntimeException is wrapped twice on its way out (530).
  const guid = nameUuid(address);
  const existing = ctx.cloud.objects.host.find(
    (h) => h.type === 'Routing' && h.zoneid === zone.id && h.ipaddress === address,
  );
  if (existing) {
    const skip = `Skipping host ${address} because ${guid} is already in the database for resource ${String(existing._guid)} with ID ${existing.id}`;
    throw new ApiFault(
      530,
      `${where} [ can't setup agent, due to com.cloud.utils.exception.CloudRuntimeException: ${skip} - ${skip}].`,
    );
  }
  // SSH, the agent's keystore and certificate, cloudstack-setup-agent: a second call for the
  // same host meanwhile runs the setup again, which restarts the agent (both then wait).
  await ctx.wait(d.hostSetupMs);
  const silent = ctx.cloud.silentAgents.has(address);
  const setup = setupsOf(ctx);
  const agentUpAt = Date.now() + d.hostUpMs;
  setup.set(address, { agentUpAt });
  if (!silent) {
    void ctx.wait(d.hostUpMs / 2).then(
      () => {
        if (setup.get(address)?.agentUpAt === agentUpAt)
          agentCalledIn(ctx, address, { zone, pod, cluster }, agentUpAt);
      },
      () => {},
    );
  }
  // waitForHostConnect: look for the host Up and Enabled, then sleep 30 s; ten times.
  for (let i = 0; i < d.hostPolls; i++) {
    ctx.cloud.advance();
    const up = ctx.cloud.objects.host.find(
      (h) => h.type === 'Routing' && h.ipaddress === address && h.state === 'Up',
    );
    if (up) return { kind: 'list', key: 'host', items: [shown(up)] };
    await ctx.wait(d.hostPollMs);
  }
  // After the last look upstream takes the host in whatever state it is, if it is there.
  ctx.cloud.advance();
  const late = ctx.cloud.objects.host.find((h) => h.type === 'Routing' && h.ipaddress === address);
  if (late) return { kind: 'list', key: 'host', items: [shown(late)] };
  throw new ApiFault(530, `Unable to add the host: Cannot find the server resources at ${p.url}`);
};

/** models StorageManagerImpl.discoverImageStore (+ registerSystemVmTemplateOnFirstNfsStore) */
const imageStore =
  (envelope: 'imagestore' | 'secondarystorage', named: boolean): Handler =>
  async (ctx) => {
    const p = ctx.params;
    const zone = p.zoneid ? need(ctx, 'zone', 'zoneid') : undefined;
    if (named && !eq(p.provider, 'NFS'))
      throw new ApiFault(
        431,
        `Unable to execute API command addimagestore due to invalid value. Invalid parameter provider value=${p.provider}: the simulated cloud offers NFS`,
      );
    // The name defaults to the URL; names are unique (InvalidParameterValueException, 431).
    const name = (named ? p.name : undefined) ?? p.url;
    if (ctx.cloud.objects.imagestore.some((s) => eq(s.name, name)))
      throw new ApiFault(
        431,
        `The image store with name ${name} already exists, try creating with another name`,
      );
    // lifeCycle.initialize: the store is listed from here on, while the template is copied.
    const store = ctx.cloud.add('imagestore', {
      name,
      url: p.url,
      protocol: 'nfs',
      providername: 'NFS',
      scope: zone ? 'ZONE' : 'REGION',
      ...(zone ? zoneFields(zone) : {}),
      readonly: false,
      hasannotations: false,
    });
    const first =
      zone && ctx.cloud.objects.imagestore.filter((s) => s.zoneid === zone.id).length === 1;
    if (first) {
      // SystemVmTemplateRegistration: mount the store, run setup-sysvm-tmplt, unmount.
      await ctx.wait(ctx.cloud.delays.templateCopyMs);
      registerSystemVmTemplates(ctx.cloud, zone);
    }
    return obj(envelope, store);
  };

/** models StorageManagerImpl.createPool → CloudStackPrimaryDataStoreLifeCycleImpl.initialize + attachCluster */
const createStoragePool: Handler = async (ctx) => {
  const p = ctx.params;
  const zone = need(ctx, 'zone', 'zoneid');
  const cluster = p.clusterid ? need(ctx, 'cluster', 'clusterid') : undefined;
  const pod = p.podid ? need(ctx, 'pod', 'podid') : undefined;
  let url: URL;
  try {
    url = new URL(p.url!);
  } catch {
    throw new ApiFault(431, `${p.url} is not a valid uri`);
  }
  const failed = (why: string) => new ApiFault(530, `Failed to add data store: ${why}`);
  // initialize: one pool per server and path; the text names the pool by its path alone (the
  // current code, on log4j2, has `hostPath` there; older releases printed the whole URI)
  const same = ctx.cloud.objects.storagepool.find(
    (s) => s.ipaddress === url.hostname && s.path === url.pathname,
  );
  if (same)
    throw failed(
      `Storage pool ${url.pathname} already in use by another pod (id=${String(same._podDbid ?? pod?._dbid ?? '')})`,
    );
  // attachCluster: there must be an Up host in the cluster
  ctx.cloud.advance();
  const hosts = ctx.cloud.objects.host.filter(
    (h) =>
      h.type === 'Routing' &&
      h.state === 'Up' &&
      (!cluster || h.clusterid === cluster.id) &&
      h.zoneid === zone.id,
  );
  if (hosts.length === 0)
    throw failed(
      `No host up to associate a storage pool with in cluster ${String(cluster?._dbid ?? '')}`,
    );
  const pool = ctx.cloud.add('storagepool', {
    name: p.name,
    ...zoneFields(zone),
    podid: pod?.id,
    podname: pod?.name,
    clusterid: cluster?.id,
    clustername: cluster?.name,
    ipaddress: url.hostname,
    path: url.pathname,
    type: url.protocol === 'nfs:' ? 'NetworkFilesystem' : url.protocol.replace(':', ''),
    state: 'Initialized',
    scope: (p.scope ?? (cluster ? 'CLUSTER' : 'ZONE')).toUpperCase(),
    hypervisor: p.hypervisor ?? 'KVM',
    created: ctx.cloud.created(),
    disksizetotal: 1099511627776,
    disksizeallocated: 0,
    disksizeused: 0,
    overprovisionfactor: '2.0',
    provider: 'DefaultPrimary',
    managed: false,
    hasannotations: false,
    _podDbid: pod?._dbid,
  });
  // CreateStoragePoolCommand on one host, ModifyStoragePoolCommand on each: a mount per host.
  await ctx.wait(ctx.cloud.delays.poolMountPerHostMs * hosts.length);
  pool.state = 'Up';
  return obj('storagepool', pool);
};

export const SLOW_HANDLERS: Record<string, Handler> = {
  addHost,
  addImageStore: imageStore('imagestore', true),
  addSecondaryStorage: imageStore('secondarystorage', false),
  createStoragePool,
};
