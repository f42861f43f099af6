// Simulated system VM templates. Models upstream's StorageManagerImpl.discoverImageStore →
// registerSystemVmTemplateOnFirstNfsStore (4.22): adding a zone's first NFS image store
// registers, inside that same call, the system VM template the management package ships for
// each hypervisor its clusters use (SystemVmTemplateRegistration reads the file named in
// templates/systemvm/metadata.ini). A failure there is only logged: the call still succeeds and
// the zone simply has no template, which `listTemplates templatefilter=system` shows.
import { shown, type Cloud, type Obj } from './model.ts';
import { ApiFault, eq, zoneFields, type Handler } from './handler-kit.ts';

/** The name upstream's metadata.ini gives the 4.22 KVM template (templatename, [kvm-x86_64]). */
export const KVM_SYSTEM_TEMPLATE = 'systemvm-kvm-4.22.0-x86_64';

/** VirtualMachineTemplate.TemplateFilter, upstream's accepted values. */
const FILTERS = [
  'featured',
  'self',
  'selfexecutable',
  'shared',
  'sharedexecutable',
  'executable',
  'community',
  'system',
  'all',
];

/** Register the shipped template on the zone's first NFS store, as upstream does; failures logged only. */
export function registerSystemVmTemplates(cloud: Cloud, zone: Obj): void {
  if (cloud.objects.imagestore.filter((s) => s.zoneid === zone.id).length !== 1) return;
  const hypervisors = new Set(
    cloud.objects.cluster.filter((c) => c.zoneid === zone.id).map((c) => String(c.hypervisortype)),
  );
  for (const hypervisor of hypervisors) {
    if (!eq(hypervisor, 'KVM')) continue; // the 4.22 package ships the x86_64 KVM template only
    if (cloud.systemVmTemplateMissing) {
      // SystemVmTemplateRegistration: "Failed to find local template file"; StorageManagerImpl logs it.
      cloud.log.push(`Failed to register system VM template for hypervisor: KVM x86_64`);
      continue;
    }
    if (cloud.objects.template.some((t) => t.name === KVM_SYSTEM_TEMPLATE)) continue;
    cloud.add('template', {
      name: KVM_SYSTEM_TEMPLATE,
      displaytext: KVM_SYSTEM_TEMPLATE,
      ispublic: false,
      isfeatured: false,
      crossZones: true,
      created: cloud.created(),
      isready: true,
      status: 'Download Complete',
      format: 'QCOW2',
      hypervisor: 'KVM',
      arch: 'x86_64',
      templatetype: 'SYSTEM',
      ostypename: 'Debian GNU/Linux 12 (64-bit)',
      account: 'system',
      bits: 64,
      requireshvm: true,
      passwordenabled: false,
      isextractable: false,
      deployasis: false,
      directdownload: false,
      url: 'https://download.cloudstack.org/systemvm/4.22/systemvmtemplate-4.22.0-x86_64-kvm.qcow2.bz2',
      ...zoneFields(zone),
    });
  }
}

export const TEMPLATE_HANDLERS: Record<string, Handler> = {
  listTemplates: (ctx) => {
    const p = ctx.params;
    if (!FILTERS.includes(String(p.templatefilter)))
      throw new ApiFault(
        431,
        `Unable to execute API command listtemplates due to invalid value. Invalid parameter templatefilter value=${p.templatefilter}`,
      );
    const system = p.templatefilter === 'system';
    const items = ctx.cloud.objects.template.filter(
      (t) =>
        (p.templatefilter === 'all' || (t.templatetype === 'SYSTEM') === system) &&
        (p.zoneid === undefined || t.zoneid === p.zoneid) &&
        (p.hypervisor === undefined || eq(t.hypervisor, p.hypervisor)) &&
        (p.isready === undefined || eq(t.isready, p.isready)) &&
        (p.id === undefined || t.id === p.id) &&
        (p.name === undefined || eq(t.name, p.name)),
    );
    return { kind: 'list', key: 'template', items: items.map(shown) };
  },
};
