// Simulated infrastructure APIs: pods, clusters, the lists of hosts and storage (adding them
// is in apis-slow.ts: upstream takes minutes), global settings and system VMs (templates: apis-templates.ts).
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
    // models ConfigurationManagerImpl.createPod / checkPodAttributes (431)
    unique(
      ctx,
      'pod',
      (o) => o.zoneid === zone.id && eq(o.name, p.name),
      `A pod with name: ${p.name} already exists in zone ${String(zone._dbid)}. Please specify a different pod name. `,
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
    // models ResourceManagerImpl.discoverCluster: the unique (pod, name) key refuses the
    // row and upstream says so in general terms (CloudRuntimeException, 530).
    if (ctx.cloud.objects.cluster.some((c) => c.podid === pod.id && eq(c.name, p.clustername)))
      throw new ApiFault(
        530,
        `Unable to create cluster ${p.clustername} in pod and data center with specified ids`,
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

  listHosts: lister('host', 'host'),

  listStoragePools: lister('storagepool', 'storagepool'),

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
