// Simulated infrastructure APIs: pods, clusters, hosts, primary and secondary storage,
// global settings and system VMs.
import { shown } from './model.ts';
import {
  ApiFault,
  eq,
  lister,
  need,
  obj,
  unique,
  zoneFields,
  type Handler,
} from './handler-kit.ts';

export const INFRA_HANDLERS: Record<string, Handler> = {
  createPod: (ctx) => {
    const p = ctx.params;
    const zone = need(ctx, 'zone', 'zoneid');
    unique(
      ctx,
      'pod',
      (o) => o.zoneid === zone.id && eq(o.name, p.name),
      `A pod with name ${p.name} already exists in zone ${zone.name}`,
    );
    return obj(
      'pod',
      ctx.cloud.add('pod', {
        name: p.name,
        ...zoneFields(zone),
        gateway: p.gateway,
        netmask: p.netmask,
        startip: p.startip,
        endip: p.endip,
        allocationstate: p.allocationstate ?? 'Enabled',
        hasannotations: false,
      }),
    );
  },
  listPods: lister('pod', 'pod'),

  addCluster: (ctx) => {
    const p = ctx.params;
    const zone = need(ctx, 'zone', 'zoneid');
    const pod = need(ctx, 'pod', 'podid');
    unique(
      ctx,
      'cluster',
      (c) => c.podid === pod.id && eq(c.name, p.clustername),
      `A cluster with name ${p.clustername} already exists in pod ${pod.name}`,
    );
    const cluster = ctx.cloud.add('cluster', {
      name: p.clustername,
      podid: pod.id,
      podname: pod.name,
      ...zoneFields(zone),
      hypervisortype: p.hypervisor,
      clustertype: p.clustertype,
      allocationstate: 'Enabled',
      managedstate: 'Managed',
      cpuovercommitratio: '1.0',
      memoryovercommitratio: '1.0',
      arch: 'x86_64',
      hasannotations: false,
    });
    return { kind: 'list', key: 'cluster', items: [shown(cluster)] };
  },
  listClusters: lister('cluster', 'cluster'),

  addHost: (ctx) => {
    const p = ctx.params;
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
      throw new ApiFault(
        431,
        `Unable to execute API command addhost due to invalid value. Invalid parameter url value=${p.url}`,
      );
    }
    unique(
      ctx,
      'host',
      (h) => h.type === 'Routing' && h.ipaddress === address,
      `Skipping host ${address} because it is already in the database`,
    );
    const host = ctx.cloud.add('host', {
      name: address,
      type: 'Routing',
      ipaddress: address,
      hypervisor: p.hypervisor,
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
      _upAt: Date.now() + ctx.cloud.delays.hostUpMs,
    });
    return { kind: 'list', key: 'host', items: [shown(host)] };
  },
  listHosts: lister('host', 'host'),

  createStoragePool: (ctx) => {
    const p = ctx.params;
    const zone = need(ctx, 'zone', 'zoneid');
    const cluster = p.clusterid ? need(ctx, 'cluster', 'clusterid') : undefined;
    const pod = p.podid ? need(ctx, 'pod', 'podid') : undefined;
    unique(
      ctx,
      'storagepool',
      (s) => s.zoneid === zone.id && eq(s.name, p.name),
      `Storage pool with name ${p.name} already exists`,
    );
    const url = new URL(p.url!);
    return obj(
      'storagepool',
      ctx.cloud.add('storagepool', {
        name: p.name,
        ...zoneFields(zone),
        podid: pod?.id,
        podname: pod?.name,
        clusterid: cluster?.id,
        clustername: cluster?.name,
        ipaddress: url.hostname,
        path: url.pathname,
        type: url.protocol === 'nfs:' ? 'NetworkFilesystem' : url.protocol.replace(':', ''),
        state: 'Up',
        scope: (p.scope ?? (cluster ? 'CLUSTER' : 'ZONE')).toUpperCase(),
        hypervisor: p.hypervisor,
        created: ctx.cloud.created(),
        disksizetotal: 1099511627776,
        disksizeallocated: 0,
        disksizeused: 0,
        overprovisionfactor: '2.0',
        provider: 'DefaultPrimary',
        managed: false,
        hasannotations: false,
      }),
    );
  },
  listStoragePools: lister('storagepool', 'storagepool'),

  addImageStore: (ctx) => {
    const p = ctx.params;
    const zone = p.zoneid ? need(ctx, 'zone', 'zoneid') : undefined;
    if (!eq(p.provider, 'NFS'))
      throw new ApiFault(
        431,
        `Unable to execute API command addimagestore due to invalid value. Invalid parameter provider value=${p.provider}: the simulated cloud offers NFS`,
      );
    unique(
      ctx,
      'imagestore',
      (s) => s.url === p.url,
      `Image store with url ${p.url} already exists`,
    );
    return obj(
      'imagestore',
      ctx.cloud.add('imagestore', {
        name: p.name ?? p.url,
        url: p.url,
        protocol: 'nfs',
        providername: 'NFS',
        scope: zone ? 'ZONE' : 'REGION',
        ...(zone ? zoneFields(zone) : {}),
        readonly: false,
        hasannotations: false,
      }),
    );
  },
  addSecondaryStorage: (ctx) => {
    const p = ctx.params;
    const zone = p.zoneid ? need(ctx, 'zone', 'zoneid') : undefined;
    unique(
      ctx,
      'imagestore',
      (s) => s.url === p.url,
      `Image store with url ${p.url} already exists`,
    );
    return obj(
      'secondarystorage',
      ctx.cloud.add('imagestore', {
        name: p.url,
        url: p.url,
        protocol: 'nfs',
        providername: 'NFS',
        scope: zone ? 'ZONE' : 'REGION',
        ...(zone ? zoneFields(zone) : {}),
        readonly: false,
      }),
    );
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

  // ListStorageProvidersCmd (DataStoreProviderManagerImpl.getDataStoreProviders): the
  // providers of one type, as the answer's `dataStoreProvider` list (the command sets that
  // object name). The simulated cloud has the default providers only: DefaultPrimary for
  // primary storage, NFS for image stores (as its addImageStore offers).
  listStorageProviders: (ctx) => {
    const type = ctx.params.type!.toLowerCase();
    if (type !== 'primary' && type !== 'image')
      throw new ApiFault(431, `Invalid parameter: ${ctx.params.type}`);
    const names = type === 'primary' ? ['DefaultPrimary'] : ['NFS'];
    return { kind: 'list', key: 'dataStoreProvider', items: names.map((name) => ({ name, type })) };
  },
};
