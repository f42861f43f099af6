// Idempotency: before a create/add/update, look at what is there. A create whose object
// already exists, or an update that would change nothing, is skipped, so a re-run of the
// runbook changes nothing. The same lookups decide, after a lost answer, whether CloudStack
// made the object (see create-once.ts). One entry per API the runbook uses; an API with no
// entry is called as is (and the step runner says so in the log).
import type { CloudStackClient } from './client.ts';
import { hostOfUrl } from './api-timing.ts';
import { isObject, type Json, type JsonObject } from './response.ts';

export type Lookup =
  /** Find the object a create would make; found → skip the create, the object is the result. */
  | {
      kind: 'exists';
      find: (
        client: CloudStackClient,
        p: Record<string, string>,
      ) => Promise<JsonObject | undefined>;
      /** The object as people name it, for progress lines ("host 172.16.10.3"). */
      what: (p: Record<string, string>) => string;
      /**
       * Whether a found object is finished: upstream lists some while it still works on them
       * (a host is listed Connecting once its agent calls in; a pool Initialized before every
       * host mounted it). The original call answers only once they are.
       */
      ready?: (o: JsonObject) => boolean;
      /** Its state for messages, when not ready. */
      state?: (o: JsonObject) => string;
      /**
       * After a lost answer only: whether the lost call has finished work that upstream does
       * after the object is already listed and that the object itself does not show (the
       * system VM template an image store gets). Until then, or the call's timeout, the
       * installer waits rather than move on while upstream is still inside the request.
       */
      finished?: (client: CloudStackClient, p: Record<string, string>) => Promise<boolean>;
      /** What `finished` waits for, for progress lines. */
      finishing?: string;
    }
  /** Read the current object; the update is skipped when every given field already matches. */
  | {
      kind: 'state';
      current: (
        client: CloudStackClient,
        p: Record<string, string>,
      ) => Promise<JsonObject | undefined>;
      fields: (p: Record<string, string>) => Record<string, string>;
    };

async function list(
  client: CloudStackClient,
  api: string,
  params: Record<string, string | undefined>,
): Promise<JsonObject[]> {
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') clean[k] = v;
  const result: Json = await client.call(api, clean);
  return Array.isArray(result) ? result.filter(isObject) : [];
}

const same = (a: Json | undefined, b: string | undefined) =>
  a !== undefined && b !== undefined && String(a).toLowerCase() === b.toLowerCase();

function firstMatch(items: JsonObject[], test: (o: JsonObject) => boolean): JsonObject | undefined {
  return items.find(test);
}

/** All given parameters except the object's id: the fields an update wants to set. */
const allBut =
  (...skip: string[]) =>
  (p: Record<string, string>) =>
    Object.fromEntries(Object.entries(p).filter(([k]) => !skip.includes(k)));

export const LOOKUPS: Record<string, Lookup> = {
  createZone: {
    kind: 'exists',
    what: (p) => `zone ${p.name}`,
    find: async (c, p) =>
      firstMatch(await list(c, 'listZones', { name: p.name }), (z) => same(z.name, p.name)),
  },
  createPhysicalNetwork: {
    kind: 'exists',
    what: (p) => `physical network ${p.name}`,
    find: async (c, p) =>
      firstMatch(await list(c, 'listPhysicalNetworks', { zoneid: p.zoneid, name: p.name }), (n) =>
        same(n.name, p.name),
      ),
  },
  addTrafficType: {
    kind: 'exists',
    what: (p) => `traffic type ${p.traffictype}`,
    find: async (c, p) =>
      firstMatch(
        await list(c, 'listTrafficTypes', { physicalnetworkid: p.physicalnetworkid }),
        (t) => same(t.traffictype, p.traffictype),
      ),
  },
  createPod: {
    kind: 'exists',
    what: (p) => `pod ${p.name}`,
    find: async (c, p) =>
      firstMatch(await list(c, 'listPods', { zoneid: p.zoneid, name: p.name }), (o) =>
        same(o.name, p.name),
      ),
  },
  createVlanIpRange: {
    kind: 'exists',
    what: (p) => `address range ${p.startip}-${p.endip}`,
    find: async (c, p) =>
      firstMatch(
        await list(c, 'listVlanIpRanges', {
          zoneid: p.zoneid,
          podid: p.podid,
          physicalnetworkid: p.physicalnetworkid,
          networkid: p.networkid,
        }),
        (r) => same(r.startip, p.startip) && same(r.endip, p.endip),
      ),
  },
  addCluster: {
    kind: 'exists',
    what: (p) => `cluster ${p.clustername}`,
    find: async (c, p) =>
      firstMatch(
        await list(c, 'listClusters', { zoneid: p.zoneid, podid: p.podid, name: p.clustername }),
        (o) => same(o.name, p.clustername),
      ),
  },
  addHost: {
    kind: 'exists',
    what: (p) => `host ${hostOfUrl(p.url ?? '')}`,
    // ResourceManagerImpl.discoverHostsFull answers once waitForHostConnect sees it Up.
    ready: (h) => h.state === 'Up',
    state: (h) => String(h.state ?? 'unknown'),
    find: async (c, p) => {
      const host = hostOfUrl(p.url ?? '');
      return firstMatch(
        await list(c, 'listHosts', { zoneid: p.zoneid, type: 'Routing' }),
        (h) => same(h.ipaddress, host) || same(h.name, host),
      );
    },
  },
  createStoragePool: {
    kind: 'exists',
    what: (p) => `storage pool ${p.name}`,
    // StorageManagerImpl.createPool answers after attachCluster has set the pool Up.
    ready: (s) => s.state === 'Up',
    state: (s) => String(s.state ?? 'unknown'),
    find: async (c, p) =>
      firstMatch(await list(c, 'listStoragePools', { zoneid: p.zoneid, name: p.name }), (s) =>
        same(s.name, p.name),
      ),
  },
  addImageStore: {
    kind: 'exists',
    what: (p) => `image store ${p.name ?? p.url}`,
    // StorageManagerImpl.discoverImageStore lists the store, then (first NFS store of the zone)
    // registerSystemVmTemplateOnFirstNfsStore copies the template before the call answers.
    finished: async (c, p) =>
      (await list(c, 'listTemplates', { templatefilter: 'system', zoneid: p.zoneid })).length > 0,
    finishing: 'the system VM template being copied to it',
    find: async (c, p) =>
      firstMatch(
        await list(c, 'listImageStores', { zoneid: p.zoneid }),
        (s) =>
          (p.url !== undefined && same(s.url, p.url)) ||
          (p.name !== undefined && same(s.name, p.name)),
      ),
  },
  addSecondaryStorage: {
    kind: 'exists',
    what: (p) => `secondary storage ${p.url}`,
    find: async (c, p) =>
      firstMatch(await list(c, 'listImageStores', { zoneid: p.zoneid }), (s) => same(s.url, p.url)),
  },
  updateConfiguration: {
    kind: 'state',
    current: async (c, p) =>
      firstMatch(
        await list(c, 'listConfigurations', {
          name: p.name,
          zoneid: p.zoneid,
          clusterid: p.clusterid,
          storageid: p.storageid,
          accountid: p.accountid,
          domainid: p.domainid,
        }),
        (o) => same(o.name, p.name),
      ),
    fields: (p) => ({ value: p.value ?? '' }),
  },
  configureVirtualRouterElement: {
    kind: 'state',
    current: async (c, p) =>
      firstMatch(await list(c, 'listVirtualRouterElements', { id: p.id }), (o) => same(o.id, p.id)),
    fields: allBut('id'),
  },
  updateNetworkServiceProvider: {
    kind: 'state',
    // listNetworkServiceProviders has no id filter: list them all and pick by id.
    current: async (c, p) =>
      firstMatch(await list(c, 'listNetworkServiceProviders', {}), (o) => same(o.id, p.id)),
    fields: allBut('id'),
  },
  updatePhysicalNetwork: {
    kind: 'state',
    current: async (c, p) =>
      firstMatch(await list(c, 'listPhysicalNetworks', { id: p.id }), (o) => same(o.id, p.id)),
    fields: allBut('id'),
  },
  updateZone: {
    kind: 'state',
    current: async (c, p) =>
      firstMatch(await list(c, 'listZones', { id: p.id }), (o) => same(o.id, p.id)),
    fields: allBut('id'),
  },
};

/** Fields of an update that differ from the current object (names as CloudStack lists them). */
export function differences(current: JsonObject, wanted: Record<string, string>): string[] {
  return Object.entries(wanted)
    .filter(([k, v]) => {
      const have = current[k];
      if (have === undefined) return true;
      // vlan ranges come back as "100-200"; lists may differ only in spacing
      return String(have).replace(/\s+/g, '').toLowerCase() !== v.replace(/\s+/g, '').toLowerCase();
    })
    .map(([k]) => k);
}
