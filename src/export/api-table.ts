// The one table both exporters read for the runbook's `cmk` lines: for each CloudStack API,
// how an exported run finds what the call makes or changes (the lookup that guards it, so a
// re-run changes nothing, as the installer's own client does), and which module of the
// ngine_io.cloudstack collection (Debian 12's `ansible` package, 2.3.0) does the same call,
// with its options taken from the call's parameters. An API without a module entry goes
// through python3-cs's `cs` command, guarded by its lookup; the bash export always does.
// Facts about the modules are from their source in /usr/lib/python3/dist-packages/
// ansible_collections/ngine_io/cloudstack/plugins/modules/ (2.3.0).

/** Parameters of a cmk line as written: values may hold `${NAME}`. */
export type Params = Record<string, string>;

export interface Lookup {
  /** The list API that shows the object, its filters, and the answer's list key. */
  list: string;
  params: (p: Params) => Record<string, string | undefined>;
  key: string;
  /** Fields (lower-cased comparison, as the installer does) that pick the object. */
  match: (p: Params) => Record<string, string>;
  /** `exists`: found → the call is skipped. `state`: skipped when `fields` already match. */
  kind: 'exists' | 'state';
  fields?: (p: Params) => Record<string, string>;
}

/** How one API parameter becomes one module option. */
export type OptionSpec =
  | string
  | {
      option: string;
      /** The parameter holds the id of an object a create made: the module wants its name. */
      nameOf?: true;
      /** The module takes the id too (so an id it cannot name still works). */
      acceptsId?: true;
      bool?: true;
      lower?: true;
      map?: Record<string, string>;
    };

export interface ModuleMapping {
  module: string;
  /** Every parameter the module can send; a line with any other parameter goes through `cs`. */
  options: Record<string, OptionSpec>;
  /** A module option that the call does not carry, derived from the object another parameter names. */
  zoneOf?: string;
  /**
   * The call names its object by `id` (an update): the module finds it by the options of the
   * create that made it, of which it keeps these (cs_zone's network_type defaults to Basic and
   * would otherwise be "changed" back).
   */
  byId?: string[];
  /** Options the module always gets. */
  fixed?: Record<string, unknown>;
  /** Why this module does what the cmk line does (for the export's README). */
  note?: string;
}

export interface ApiEntry {
  lookup?: Lookup;
  /** Creates: the parameter holding the new object's name (others name it by that). */
  nameParam?: string;
  /** The answer is a one-item list (addCluster, addHost). */
  answersList?: true;
  module?: ModuleMapping;
  /** Why no module of the collection does this call. */
  noModule?: string;
}

const byName = (
  list: string,
  key: string,
  param = 'name',
  scope: (p: Params) => Record<string, string | undefined> = () => ({}),
): Lookup => ({
  list,
  key,
  kind: 'exists',
  params: (p) => ({ ...scope(p), name: p[param] }),
  match: (p) => ({ name: p[param] ?? '' }),
});

/** An update of the object with `id`: skipped when every other given field already holds. */
const byId = (list: string, key: string, idFilter = true): Lookup => ({
  list,
  key,
  kind: 'state',
  params: (p) => (idFilter ? { id: p.id } : {}),
  match: (p) => ({ id: p.id ?? '' }),
  fields: (p) => Object.fromEntries(Object.entries(p).filter(([k]) => k !== 'id')),
});

const STATE = {
  option: 'state',
  map: { enabled: 'enabled', disabled: 'disabled' },
  lower: true,
} as const;

/** `http://172.16.10.3` → `172.16.10.3` (addHost names the host by URL). */
export function hostOfUrl(url: string): string {
  return url.replace(/^[a-z]+:\/\//i, '').split(/[/:]/)[0]!;
}

export const API_TABLE: Record<string, ApiEntry> = {
  createZone: {
    nameParam: 'name',
    lookup: byName('listZones', 'zone'),
    module: {
      module: 'ngine_io.cloudstack.cs_zone',
      options: {
        name: 'name',
        networktype: 'network_type',
        dns1: 'dns1',
        dns2: 'dns2',
        internaldns1: 'internal_dns1',
        internaldns2: 'internal_dns2',
        ip6dns1: 'dns1_ipv6',
        ip6dns2: 'dns2_ipv6',
        domain: 'network_domain',
        guestcidraddress: 'guest_cidr_address',
        localstorageenabled: { option: 'local_storage_enabled', bool: true },
        securitygroupenabled: { option: 'securitygroups_enabled', bool: true },
        allocationstate: STATE,
      },
    },
  },
  updateZone: {
    lookup: byId('listZones', 'zone'),
    module: {
      module: 'ngine_io.cloudstack.cs_zone',
      byId: ['name', 'network_type'],
      options: {
        allocationstate: STATE,
        dns1: 'dns1',
        dns2: 'dns2',
        internaldns1: 'internal_dns1',
        internaldns2: 'internal_dns2',
        guestcidraddress: 'guest_cidr_address',
        domain: 'network_domain',
      },
      note: 'cs_zone finds the zone by name and sends updateZone only for what differs',
    },
  },
  createPhysicalNetwork: {
    nameParam: 'name',
    lookup: byName('listPhysicalNetworks', 'physicalnetwork', 'name', (p) => ({
      zoneid: p.zoneid,
    })),
    module: {
      module: 'ngine_io.cloudstack.cs_physical_network',
      options: {
        name: 'name',
        zoneid: { option: 'zone', nameOf: true, acceptsId: true },
        isolationmethods: 'isolation_method',
        broadcastdomainrange: {
          option: 'broadcast_domain_range',
          map: { zone: 'ZONE', pod: 'POD' },
          lower: true,
        },
        vlan: 'vlan',
        networkspeed: 'network_speed',
        tags: 'tags',
      },
    },
  },
  updatePhysicalNetwork: {
    lookup: byId('listPhysicalNetworks', 'physicalnetwork'),
    module: {
      module: 'ngine_io.cloudstack.cs_physical_network',
      byId: ['name', 'zone'],
      options: { vlan: 'vlan', state: STATE, networkspeed: 'network_speed', tags: 'tags' },
    },
  },
  addTrafficType: {
    lookup: {
      list: 'listTrafficTypes',
      key: 'traffictype',
      kind: 'exists',
      params: (p) => ({ physicalnetworkid: p.physicalnetworkid }),
      match: (p) => ({ traffictype: p.traffictype ?? '' }),
    },
    module: {
      module: 'ngine_io.cloudstack.cs_traffic_type',
      zoneOf: 'physicalnetworkid',
      options: {
        physicalnetworkid: { option: 'physical_network', nameOf: true, acceptsId: true },
        traffictype: {
          option: 'traffic_type',
          map: { management: 'Management', guest: 'Guest', public: 'Public', storage: 'Storage' },
          lower: true,
        },
        kvmnetworklabel: 'kvm_networklabel',
        vlan: 'vlan',
        isolationmethod: { option: 'isolation_method', lower: true },
      },
    },
  },
  listNetworkServiceProviders: {},
  listVirtualRouterElements: {},
  configureVirtualRouterElement: {
    // listVirtualRouterElements has an id filter (upstream ListVirtualRouterElementsCmd).
    lookup: byId('listVirtualRouterElements', 'virtualrouterelement'),
    noModule:
      'no module sets one virtual router element by id: cs_physical_network enables an element only together with its provider, by provider name (nsps_enabled)',
  },
  updateNetworkServiceProvider: {
    // listNetworkServiceProviders has no id filter: list them all and pick by id.
    lookup: byId('listNetworkServiceProviders', 'networkserviceprovider', false),
    noModule:
      'no module sets one network service provider by id: cs_physical_network does it by provider name, together with its element (nsps_enabled)',
  },
  createPod: {
    nameParam: 'name',
    lookup: byName('listPods', 'pod', 'name', (p) => ({ zoneid: p.zoneid })),
    module: {
      module: 'ngine_io.cloudstack.cs_pod',
      options: {
        name: 'name',
        zoneid: { option: 'zone', nameOf: true, acceptsId: true },
        gateway: 'gateway',
        netmask: 'netmask',
        startip: 'start_ip',
        endip: 'end_ip',
        allocationstate: STATE,
      },
    },
  },
  createVlanIpRange: {
    lookup: {
      list: 'listVlanIpRanges',
      key: 'vlaniprange',
      kind: 'exists',
      params: (p) => ({
        zoneid: p.zoneid,
        podid: p.podid,
        physicalnetworkid: p.physicalnetworkid,
        networkid: p.networkid,
      }),
      match: (p) => ({ startip: p.startip ?? '', endip: p.endip ?? '' }),
    },
    module: {
      module: 'ngine_io.cloudstack.cs_vlan_ip_range',
      options: {
        zoneid: { option: 'zone', nameOf: true, acceptsId: true },
        physicalnetworkid: { option: 'physical_network', nameOf: true, acceptsId: true },
        podid: { option: 'pod', nameOf: true },
        forvirtualnetwork: { option: 'for_virtual_network', bool: true },
        forsystemvms: { option: 'for_system_vms', bool: true },
        vlan: 'vlan',
        gateway: 'gateway',
        netmask: 'netmask',
        startip: 'start_ip',
        endip: 'end_ip',
      },
    },
  },
  addCluster: {
    nameParam: 'clustername',
    answersList: true,
    lookup: byName('listClusters', 'cluster', 'clustername', (p) => ({
      zoneid: p.zoneid,
      podid: p.podid,
    })),
    module: {
      module: 'ngine_io.cloudstack.cs_cluster',
      options: {
        clustername: 'name',
        zoneid: { option: 'zone', nameOf: true, acceptsId: true },
        // cs_cluster looks the pod up by name only (listPods name=...).
        podid: { option: 'pod', nameOf: true },
        clustertype: 'cluster_type',
        hypervisor: 'hypervisor',
        url: 'url',
        username: 'username',
        password: 'password',
        allocationstate: STATE,
      },
    },
  },
  addHost: {
    answersList: true,
    lookup: {
      list: 'listHosts',
      key: 'host',
      kind: 'exists',
      params: (p) => ({ zoneid: p.zoneid, type: 'Routing' }),
      match: (p) => ({ ipaddress: hostOfUrl(p.url ?? '') }),
    },
    noModule:
      "cs_host refuses to add a host without a password (it checks password like username and hypervisor), and the runbook adds KVM hosts by the management server's SSH key with an empty password",
  },
  createStoragePool: {
    nameParam: 'name',
    lookup: byName('listStoragePools', 'storagepool', 'name', (p) => ({ zoneid: p.zoneid })),
    module: {
      module: 'ngine_io.cloudstack.cs_storage_pool',
      options: {
        name: 'name',
        url: 'storage_url',
        zoneid: { option: 'zone', nameOf: true, acceptsId: true },
        // cs_storage_pool looks pod and cluster up by name, and wants both or neither.
        podid: { option: 'pod', nameOf: true },
        clusterid: { option: 'cluster', nameOf: true },
        scope: { option: 'scope', lower: true },
        hypervisor: 'hypervisor',
        provider: 'provider',
      },
    },
  },
  addImageStore: {
    lookup: {
      list: 'listImageStores',
      key: 'imagestore',
      kind: 'exists',
      params: (p) => ({ zoneid: p.zoneid }),
      match: (p): Record<string, string> => (p.name ? { name: p.name } : { url: p.url ?? '' }),
    },
    module: {
      module: 'ngine_io.cloudstack.cs_image_store',
      options: {
        name: 'name',
        url: 'url',
        zoneid: { option: 'zone', nameOf: true, acceptsId: true },
        provider: 'provider',
      },
    },
  },
  updateConfiguration: {
    lookup: {
      list: 'listConfigurations',
      key: 'configuration',
      kind: 'state',
      params: (p) => ({
        name: p.name,
        zoneid: p.zoneid,
        clusterid: p.clusterid,
        storageid: p.storageid,
        accountid: p.accountid,
        domainid: p.domainid,
      }),
      match: (p) => ({ name: p.name ?? '' }),
      fields: (p) => ({ value: p.value ?? '' }),
    },
    module: {
      module: 'ngine_io.cloudstack.cs_configuration',
      options: {
        name: 'name',
        value: 'value',
        zoneid: { option: 'zone', nameOf: true, acceptsId: true },
      },
    },
  },
};

/** A call that only reads (list, get, query): run as it is, in check mode too, never "changed". */
export function isReadOnly(api: string): boolean {
  return /^(list|get|query)/.test(api);
}
