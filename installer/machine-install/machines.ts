// The machines a site describes, as the installer offers them: the management server (or the
// all-in-one machine when the site has no KVM hosts) and each KVM host, with the role that
// decides the disk layout and the first boot.
import type { Site } from '../../src/site-file/schema.ts';
import type { MachineRole } from '../../src/plan/model.ts';

export interface SiteMachine {
  hostname: string;
  address: string;
  role: MachineRole;
}

export function siteMachines(site: Site): SiteMachine[] {
  const management: SiteMachine = {
    hostname: site.management.hostname,
    address: site.management.address,
    role: site.hosts.length === 0 ? 'all-in-one' : 'management',
  };
  return [
    management,
    ...site.hosts.map((h) => ({ hostname: h.hostname, address: h.address, role: 'kvm' as const })),
  ];
}

/** The machine serves NFS primary storage (its own logical volume) and runs the wizard. */
export function isManagement(role: MachineRole): boolean {
  return role !== 'kvm';
}

/** Prefix length of the site's network (`172.16.10.0/24` → 24). */
export function prefixLength(site: Site): number {
  return Number(site.network.cidr.split('/')[1]);
}
