// Simulated zone and network APIs: zones, physical networks, traffic types, providers,
// the virtual router element and public IP ranges.
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

export const NETWORK_HANDLERS: Record<string, Handler> = {
  createZone: (ctx) => {
    const p = ctx.params;
    // models ConfigurationManagerImpl.checkZoneParameters (InvalidParameterValueException, 431)
    unique(
      ctx,
      'zone',
      (z) => eq(z.name, p.name),
      'A zone with that name already exists. Please specify a unique zone name.',
    );
    return obj(
      'zone',
      ctx.cloud.add('zone', {
        name: p.name,
        networktype: p.networktype,
        dns1: p.dns1,
        dns2: p.dns2,
        internaldns1: p.internaldns1,
        internaldns2: p.internaldns2,
        guestcidraddress: p.guestcidraddress ?? '10.1.1.0/24',
        domain: p.domain,
        allocationstate: p.allocationstate ?? 'Disabled',
        securitygroupsenabled: false,
        // Booleans parse as Java's Boolean.valueOf does: `true` in any case.
        localstorageenabled: eq(p.localstorageenabled, 'true'),
        dhcpprovider: 'VirtualRouter',
        hasannotations: false,
        type: 'Core',
        ismultiarch: false,
        routedmodeenabled: false,
        isnsxenabled: false,
      }),
    );
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
    unique(
      ctx,
      'physicalnetwork',
      (n) => n.zoneid === zone.id && eq(n.name, p.name),
      `Physical network with name ${p.name} already exists in zone ${zone.name}`,
    );
    const net = ctx.cloud.add('physicalnetwork', {
      name: p.name,
      ...zoneFields(zone),
      state: 'Disabled',
      broadcastdomainrange: (p.broadcastdomainrange ?? 'ZONE').toUpperCase(),
      isolationmethods: p.isolationmethods ?? 'VLAN',
      vlan: p.vlan,
      tags: p.tags,
      networkspeed: p.networkspeed,
    });
    // CloudStack adds the default providers (disabled) with every physical network.
    for (const name of ['VirtualRouter', 'VpcVirtualRouter', 'InternalLbVm', 'ConfigDrive']) {
      const nsp = ctx.cloud.add('networkserviceprovider', {
        name,
        physicalnetworkid: net.id,
        state: 'Disabled',
        canenableindividualservice: true,
        servicelist: [],
      });
      if (name === 'VirtualRouter' || name === 'VpcVirtualRouter') {
        ctx.cloud.add('virtualrouterelement', {
          nspid: nsp.id,
          enabled: false,
          account: 'system',
          domainid: ctx.user.domainid,
          domain: 'ROOT',
        });
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
    const type = ['Public', 'Guest', 'Management', 'Storage'].find(
      (t) => t.toLowerCase() === p.traffictype!.toLowerCase(),
    );
    if (!type)
      throw new ApiFault(
        431,
        `Unable to execute API command addtraffictype due to invalid value. Invalid parameter traffictype value=${p.traffictype}: use Public, Guest, Management or Storage`,
      );
    // models NetworkServiceImpl.addTrafficTypeToPhysicalNetwork (CloudRuntimeException, 530)
    if (
      ctx.cloud.objects.traffictype.some(
        (t) => t.physicalnetworkid === net.id && t.traffictype === type,
      )
    )
      throw new ApiFault(530, `This physical network already supports the traffic type: ${type}`);
    return obj(
      'traffictype',
      ctx.cloud.add('traffictype', {
        physicalnetworkid: net.id,
        traffictype: type,
        kvmnetworklabel: p.kvmnetworklabel,
        isolationmethod: p.isolationmethod,
        vlan: p.vlan,
      }),
    );
  },
  listTrafficTypes: lister('traffictype', 'traffictype'),
  listNetworkServiceProviders: lister('networkserviceprovider', 'networkserviceprovider'),
  updateNetworkServiceProvider: (ctx) => {
    const nsp = need(ctx, 'networkserviceprovider', 'id');
    if (ctx.params.state && eq(ctx.params.state, 'Enabled') && nsp.name === 'VirtualRouter') {
      const element = ctx.cloud.objects.virtualrouterelement.find((e) => e.nspid === nsp.id);
      if (element && element.enabled !== true)
        throw new ApiFault(
          530,
          'Provider is not ready, cannot Enable the provider, please configure the provider first',
          4250,
        );
    }
    if (ctx.params.state)
      nsp.state =
        ['Enabled', 'Disabled', 'Shutdown'].find((s) => eq(s, ctx.params.state)) ??
        ctx.params.state;
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
    const overlap = ctx.cloud.objects.vlan.some(
      (v) => v.zoneid === zone.id && (v.startip === p.startip || v.endip === p.endip),
    );
    if (overlap)
      throw new ApiFault(
        530,
        `The IP range with tag: ${p.vlan ?? 'untagged'} in zone ${zone.name} has already been added with gateway ${p.gateway}. Please specify a different gateway/netmask.`,
        4350,
      );
    const net = ctx.cloud.objects.physicalnetwork.find((n) => n.zoneid === zone.id);
    return obj(
      'vlan',
      ctx.cloud.add('vlan', {
        zoneid: zone.id,
        forvirtualnetwork: p.forvirtualnetwork === undefined || eq(p.forvirtualnetwork, 'true'),
        vlan: `vlan://${p.vlan ?? 'untagged'}`,
        gateway: p.gateway,
        netmask: p.netmask,
        startip: p.startip,
        endip: p.endip,
        physicalnetworkid: p.physicalnetworkid ?? net?.id,
        podid: p.podid,
        account: 'system',
        domainid: ctx.user.domainid,
        domain: 'ROOT',
        forsystemvms: false,
      }),
    );
  },
  listVlanIpRanges: lister('vlan', 'vlaniprange'),
};
