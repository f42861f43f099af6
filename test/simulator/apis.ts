// The APIs the runbook uses, as a CloudStack management server answers them. Each handler
// checks what CloudStack checks (entities exist, names are unique) and moves the simulated
// cloud's state.
import { randomBytes, randomUUID } from 'node:crypto';
import { shown, type Cloud, type Collection, type Obj, type User } from './model.ts';
import type { Sessions } from './auth.ts';

export class ApiFault extends Error {
  readonly code: number;
  readonly csCode: number;
  constructor(code: number, text: string, csCode = 4350) {
    super(text);
    this.code = code;
    this.csCode = csCode;
  }
}

export type Answer =
  | { kind: 'object'; key: string; value: Record<string, unknown> }
  | { kind: 'list'; key: string; items: Record<string, unknown>[] }
  | { kind: 'flat'; value: Record<string, unknown> };

export interface CallContext {
  cloud: Cloud;
  user: User;
  api: string;
  params: Record<string, string>;
  sessions: Sessions;
}

type Handler = (ctx: CallContext) => Answer;

const obj = (key: string, o: Obj): Answer => ({ kind: 'object', key, value: shown(o) });
const success: Answer = { kind: 'flat', value: { success: true } };

/** CloudStack's "invalid value" text for an id that names nothing. */
function need(ctx: CallContext, collection: Collection, param: string): Obj {
  const id = ctx.params[param];
  const found = ctx.cloud.byId(collection, id);
  if (!found) {
    throw new ApiFault(431, `Unable to execute API command ${ctx.api.toLowerCase()} due to invalid value. Invalid parameter ${param} value=${id} due to incorrect long value format, or entity does not exist or due to incorrect parameter annotation for the field in api cmd class.`);
  }
  return found;
}

function unique(ctx: CallContext, collection: Collection, test: (o: Obj) => boolean, text: string): void {
  if (ctx.cloud.objects[collection].some(test)) throw new ApiFault(431, text);
}

const eq = (a: unknown, b: string | undefined) => b !== undefined && String(a).toLowerCase() === b.toLowerCase();

/** listX with CloudStack's filters: each given filter must match the field of the same name. */
function lister(collection: Collection, key: string, map: Record<string, string> = {}): Handler {
  return (ctx) => {
    const skip = new Set(['page', 'pagesize', 'listall', 'keyword', 'showcapacities', 'details', 'showicon']);
    let items = ctx.cloud.objects[collection];
    for (const [param, value] of Object.entries(ctx.params)) {
      if (skip.has(param)) continue;
      const field = map[param] ?? param;
      items = items.filter((o) => eq(o[field], value));
    }
    if (ctx.params.keyword) items = items.filter((o) => String(o.name ?? '').toLowerCase().includes(ctx.params.keyword!.toLowerCase()));
    return { kind: 'list', key, items: items.map(shown) };
  };
}

function zoneFields(zone: Obj) {
  return { zoneid: zone.id, zonename: zone.name };
}

export const HANDLERS: Record<string, Handler> = {
  listCapabilities: () => ({ kind: 'object', key: 'capability', value: { cloudstackversion: '4.22.0.0', securitygroupsenabled: false, dynamicrolesenabled: true, apilimitinterval: 1, apilimitmax: 0, allowuserviewdestroyedvm: false, kvmsnapshotenabled: true } }),
  listApis: (ctx) => {
    const names = Object.keys(HANDLERS).filter((n) => !ctx.params.name || n === ctx.params.name);
    return { kind: 'list', key: 'api', items: names.map((name) => ({ name, isasync: false, description: '', params: [], response: [] })) };
  },
  logout: () => ({ kind: 'flat', value: { description: 'success' } }),
  updateUser: (ctx) => {
    const user = ctx.cloud.users.find((u) => u.id === ctx.params.id);
    if (!user) throw new ApiFault(431, `Unable to execute API command updateuser due to invalid value. Invalid parameter id value=${ctx.params.id} due to incorrect long value format, or entity does not exist or due to incorrect parameter annotation for the field in api cmd class.`);
    if (ctx.params.password !== undefined) {
      if (user!.id === ctx.user.id && ctx.params.currentpassword !== user!.password) {
        throw new ApiFault(431, 'Current password is incorrect.', 4350);
      }
      user!.password = ctx.params.password;
    }
    return { kind: 'object', key: 'user', value: { id: user!.id, username: user!.username, account: 'admin', accountid: user!.accountid, accounttype: 1, domainid: user!.domainid, domain: 'ROOT', state: 'enabled', roletype: 'Admin', rolename: 'Root Admin', usersource: 'native', isdefault: true } };
  },
  registerUserKeys: (ctx) => {
    const user = ctx.cloud.users.find((u) => u.id === ctx.params.id);
    if (!user) throw new ApiFault(431, `Unable to find user by id`);
    user.apikey = randomBytes(64).toString('base64url');
    user.secretkey = randomBytes(64).toString('base64url');
    return { kind: 'object', key: 'userkeys', value: { apikey: user.apikey, secretkey: user.secretkey } };
  },
  getUserKeys: (ctx) => {
    const user = ctx.cloud.users.find((u) => u.id === ctx.params.id);
    if (!user) throw new ApiFault(431, `Unable to find user by id`);
    return { kind: 'object', key: 'userkeys', value: user.apikey ? { apikey: user.apikey, secretkey: user.secretkey } : {} };
  },
  listUsers: (ctx) => ({ kind: 'list', key: 'user', items: ctx.cloud.users.filter((u) => !ctx.params.username || u.username === ctx.params.username).map((u) => ({ id: u.id, username: u.username, account: 'admin', domainid: u.domainid, state: 'enabled' })) }),

  createZone: (ctx) => {
    const p = ctx.params;
    unique(ctx, 'zone', (z) => eq(z.name, p.name), `A zone with name ${p.name} already exists`);
    return obj('zone', ctx.cloud.add('zone', {
      name: p.name, networktype: p.networktype, dns1: p.dns1, dns2: p.dns2, internaldns1: p.internaldns1, internaldns2: p.internaldns2,
      guestcidraddress: p.guestcidraddress ?? '10.1.1.0/24', domain: p.domain, allocationstate: p.allocationstate ?? 'Disabled',
      securitygroupsenabled: false, localstorageenabled: p.localstorageenabled === 'true', dhcpprovider: 'VirtualRouter',
      hasannotations: false, type: 'Core', ismultiarch: false, routedmodeenabled: false, isnsxenabled: false,
    }));
  },
  listZones: lister('zone', 'zone'),
  updateZone: (ctx) => {
    const zone = need(ctx, 'zone', 'id');
    for (const [k, v] of Object.entries(ctx.params)) if (k !== 'id') zone[k] = v;
    return obj('zone', zone);
  },

  createPhysicalNetwork: (ctx) => {
    const p = ctx.params;
    const zone = need(ctx, 'zone', 'zoneid');
    unique(ctx, 'physicalnetwork', (n) => n.zoneid === zone.id && eq(n.name, p.name), `Physical network with name ${p.name} already exists in zone ${zone.name}`);
    const net = ctx.cloud.add('physicalnetwork', {
      name: p.name, ...zoneFields(zone), state: 'Disabled', broadcastdomainrange: (p.broadcastdomainrange ?? 'ZONE').toUpperCase(),
      isolationmethods: p.isolationmethods ?? 'VLAN', vlan: p.vlan, tags: p.tags, networkspeed: p.networkspeed,
    });
    // CloudStack adds the default providers (disabled) with every physical network.
    for (const name of ['VirtualRouter', 'VpcVirtualRouter', 'InternalLbVm', 'ConfigDrive']) {
      const nsp = ctx.cloud.add('networkserviceprovider', { name, physicalnetworkid: net.id, state: 'Disabled', canenableindividualservice: true, servicelist: [] });
      if (name === 'VirtualRouter' || name === 'VpcVirtualRouter') {
        ctx.cloud.add('virtualrouterelement', { nspid: nsp.id, enabled: false, account: 'system', domainid: ctx.user.domainid, domain: 'ROOT' });
      }
    }
    return obj('physicalnetwork', net);
  },
  listPhysicalNetworks: lister('physicalnetwork', 'physicalnetwork'),
  updatePhysicalNetwork: (ctx) => {
    const net = need(ctx, 'physicalnetwork', 'id');
    for (const [k, v] of Object.entries(ctx.params)) if (k !== 'id') net[k] = v;
    return obj('physicalnetwork', net);
  },
  addTrafficType: (ctx) => {
    const p = ctx.params;
    const net = need(ctx, 'physicalnetwork', 'physicalnetworkid');
    const type = ['Public', 'Guest', 'Management', 'Storage'].find((t) => t.toLowerCase() === p.traffictype!.toLowerCase());
    if (!type) throw new ApiFault(431, `Unable to execute API command addtraffictype due to invalid value. Invalid parameter traffictype value=${p.traffictype}: use Public, Guest, Management or Storage`);
    unique(ctx, 'traffictype', (t) => t.physicalnetworkid === net.id && t.traffictype === type, `This physical network already supports the traffic type: ${type}`);
    return obj('traffictype', ctx.cloud.add('traffictype', { physicalnetworkid: net.id, traffictype: type, kvmnetworklabel: p.kvmnetworklabel, isolationmethod: p.isolationmethod, vlan: p.vlan }));
  },
  listTrafficTypes: lister('traffictype', 'traffictype'),
  listNetworkServiceProviders: lister('networkserviceprovider', 'networkserviceprovider'),
  updateNetworkServiceProvider: (ctx) => {
    const nsp = need(ctx, 'networkserviceprovider', 'id');
    if (ctx.params.state && eq(ctx.params.state, 'Enabled') && nsp.name === 'VirtualRouter') {
      const element = ctx.cloud.objects.virtualrouterelement.find((e) => e.nspid === nsp.id);
      if (element && element.enabled !== true) throw new ApiFault(530, 'Provider is not ready, cannot Enable the provider, please configure the provider first', 4250);
    }
    if (ctx.params.state) nsp.state = ['Enabled', 'Disabled', 'Shutdown'].find((s) => eq(s, ctx.params.state)) ?? ctx.params.state;
    if (ctx.params.servicelist) nsp.servicelist = ctx.params.servicelist.split(',');
    return obj('networkserviceprovider', nsp);
  },
  listVirtualRouterElements: lister('virtualrouterelement', 'virtualrouterelement'),
  configureVirtualRouterElement: (ctx) => {
    const element = need(ctx, 'virtualrouterelement', 'id');
    element.enabled = eq('true', ctx.params.enabled);
    return obj('virtualrouterelement', element);
  },

  createVlanIpRange: (ctx) => {
    const p = ctx.params;
    const zone = need(ctx, 'zone', 'zoneid');
    const overlap = ctx.cloud.objects.vlan.some((v) => v.zoneid === zone.id && (v.startip === p.startip || v.endip === p.endip));
    if (overlap) throw new ApiFault(530, `The IP range with tag: ${p.vlan ?? 'untagged'} in zone ${zone.name} has already been added with gateway ${p.gateway}. Please specify a different gateway/netmask.`, 4350);
    const net = ctx.cloud.objects.physicalnetwork.find((n) => n.zoneid === zone.id);
    return obj('vlan', ctx.cloud.add('vlan', {
      zoneid: zone.id, forvirtualnetwork: p.forvirtualnetwork !== 'false', vlan: `vlan://${p.vlan ?? 'untagged'}`, gateway: p.gateway, netmask: p.netmask,
      startip: p.startip, endip: p.endip, physicalnetworkid: p.physicalnetworkid ?? net?.id, podid: p.podid, account: 'system', domainid: ctx.user.domainid, domain: 'ROOT', forsystemvms: false,
    }));
  },
  listVlanIpRanges: lister('vlan', 'vlaniprange'),

  createPod: (ctx) => {
    const p = ctx.params;
    const zone = need(ctx, 'zone', 'zoneid');
    unique(ctx, 'pod', (o) => o.zoneid === zone.id && eq(o.name, p.name), `A pod with name ${p.name} already exists in zone ${zone.name}`);
    return obj('pod', ctx.cloud.add('pod', { name: p.name, ...zoneFields(zone), gateway: p.gateway, netmask: p.netmask, startip: p.startip, endip: p.endip, allocationstate: p.allocationstate ?? 'Enabled', hasannotations: false }));
  },
  listPods: lister('pod', 'pod'),

  addCluster: (ctx) => {
    const p = ctx.params;
    const zone = need(ctx, 'zone', 'zoneid');
    const pod = need(ctx, 'pod', 'podid');
    unique(ctx, 'cluster', (c) => c.podid === pod.id && eq(c.name, p.clustername), `A cluster with name ${p.clustername} already exists in pod ${pod.name}`);
    const cluster = ctx.cloud.add('cluster', {
      name: p.clustername, podid: pod.id, podname: pod.name, ...zoneFields(zone), hypervisortype: p.hypervisor, clustertype: p.clustertype,
      allocationstate: 'Enabled', managedstate: 'Managed', cpuovercommitratio: '1.0', memoryovercommitratio: '1.0', arch: 'x86_64', hasannotations: false,
    });
    return { kind: 'list', key: 'cluster', items: [shown(cluster)] };
  },
  listClusters: lister('cluster', 'cluster'),

  addHost: (ctx) => {
    const p = ctx.params;
    const zone = need(ctx, 'zone', 'zoneid');
    const pod = need(ctx, 'pod', 'podid');
    const cluster = p.clusterid ? need(ctx, 'cluster', 'clusterid') : ctx.cloud.objects.cluster.find((c) => c.podid === pod.id && eq(c.name, p.clustername));
    if (!cluster) throw new ApiFault(431, 'Unable to execute API command addhost due to missing parameter clusterid');
    let address: string;
    try {
      address = new URL(p.url!).hostname;
    } catch {
      throw new ApiFault(431, `Unable to execute API command addhost due to invalid value. Invalid parameter url value=${p.url}`);
    }
    unique(ctx, 'host', (h) => h.type === 'Routing' && h.ipaddress === address, `Skipping host ${address} because it is already in the database`);
    const host = ctx.cloud.add('host', {
      name: address, type: 'Routing', ipaddress: address, hypervisor: p.hypervisor, hypervisorversion: '7.2.0', clusterid: cluster.id, clustername: cluster.name,
      clustertype: 'CloudManaged', podid: pod.id, podname: pod.name, ...zoneFields(zone), state: 'Connecting', resourcestate: 'Enabled', version: '4.22.0.0',
      cpunumber: 4, cpuspeed: 2400, memorytotal: 8589934592, capabilities: 'hvm', created: ctx.cloud.created(), events: 'AgentConnected; HostDown; Ping; Remove',
      hahost: false, hasannotations: false, islocalstorageactive: false, arch: 'x86_64', _upAt: Date.now() + ctx.cloud.delays.hostUpMs,
    });
    return { kind: 'list', key: 'host', items: [shown(host)] };
  },
  listHosts: lister('host', 'host'),

  createStoragePool: (ctx) => {
    const p = ctx.params;
    const zone = need(ctx, 'zone', 'zoneid');
    const cluster = p.clusterid ? need(ctx, 'cluster', 'clusterid') : undefined;
    const pod = p.podid ? need(ctx, 'pod', 'podid') : undefined;
    unique(ctx, 'storagepool', (s) => s.zoneid === zone.id && eq(s.name, p.name), `Storage pool with name ${p.name} already exists`);
    const url = new URL(p.url!);
    return obj('storagepool', ctx.cloud.add('storagepool', {
      name: p.name, ...zoneFields(zone), podid: pod?.id, podname: pod?.name, clusterid: cluster?.id, clustername: cluster?.name,
      ipaddress: url.hostname, path: url.pathname, type: url.protocol === 'nfs:' ? 'NetworkFilesystem' : url.protocol.replace(':', ''), state: 'Up',
      scope: (p.scope ?? (cluster ? 'CLUSTER' : 'ZONE')).toUpperCase(), hypervisor: p.hypervisor, created: ctx.cloud.created(),
      disksizetotal: 1099511627776, disksizeallocated: 0, disksizeused: 0, overprovisionfactor: '2.0', provider: 'DefaultPrimary', managed: false, hasannotations: false,
    }));
  },
  listStoragePools: lister('storagepool', 'storagepool'),

  addImageStore: (ctx) => {
    const p = ctx.params;
    const zone = p.zoneid ? need(ctx, 'zone', 'zoneid') : undefined;
    if (!eq(p.provider, 'NFS')) throw new ApiFault(431, `Unable to execute API command addimagestore due to invalid value. Invalid parameter provider value=${p.provider}: the simulated cloud offers NFS`);
    unique(ctx, 'imagestore', (s) => s.url === p.url, `Image store with url ${p.url} already exists`);
    return obj('imagestore', ctx.cloud.add('imagestore', { name: p.name ?? p.url, url: p.url, protocol: 'nfs', providername: 'NFS', scope: zone ? 'ZONE' : 'REGION', ...(zone ? zoneFields(zone) : {}), readonly: false, hasannotations: false }));
  },
  addSecondaryStorage: (ctx) => {
    const p = ctx.params;
    const zone = p.zoneid ? need(ctx, 'zone', 'zoneid') : undefined;
    unique(ctx, 'imagestore', (s) => s.url === p.url, `Image store with url ${p.url} already exists`);
    return obj('secondarystorage', ctx.cloud.add('imagestore', { name: p.url, url: p.url, protocol: 'nfs', providername: 'NFS', scope: zone ? 'ZONE' : 'REGION', ...(zone ? zoneFields(zone) : {}), readonly: false }));
  },
  listImageStores: lister('imagestore', 'imagestore'),

  listConfigurations: lister('configuration', 'configuration'),
  updateConfiguration: (ctx) => {
    const config = ctx.cloud.objects.configuration.find((c) => c.name === ctx.params.name);
    if (!config) throw new ApiFault(431, `Configuration ${ctx.params.name} not found`);
    config.value = ctx.params.value ?? '';
    return obj('configuration', config);
  },

  listSystemVms: lister('systemvm', 'systemvm'),
};

/** Names unique per simulator run, for ids CloudStack would take from its database. */
export const simulatorId = randomUUID();
