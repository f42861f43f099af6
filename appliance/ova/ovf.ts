// The OVF 1.0 descriptor of the appliance, for VirtualBox: the standard DMTF sections (disk,
// network, OS, virtual hardware) that any OVF importer reads, plus VirtualBox's own
// <vbox:Machine> section (ovf:required="false", so other importers skip it) for what the DMTF
// vocabulary cannot say: nested VT-x, the virtio NIC on a NAT network, the SATA controller.
import { randomUUID } from 'node:crypto';

export interface OvfInput {
  name: string;
  description: string;
  productVersion: string;
  cpus: number;
  memoryMb: number;
  disk: { file: string; bytes: number; capacityBytes: number };
  /** VirtualBox NAT network the NIC joins (172.16.10.0/24: the runbook's addresses). */
  natNetwork: string;
  /** Fixed for reproducible descriptors; random when omitted. */
  diskUuid?: string;
  machineUuid?: string;
  mac?: string;
}

const NS = {
  ovf: 'http://schemas.dmtf.org/ovf/envelope/1',
  rasd: 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData',
  vssd: 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData',
  vbox: 'http://www.virtualbox.org/ovf/machine',
};
export const STREAM_OPTIMIZED_FORMAT =
  'http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized';
/** CIM ResourceType values (DSP1041 / CIM_ResourceAllocationSettingData). */
export const RESOURCE = {
  cpu: 3,
  memory: 4,
  ethernet: 10,
  disk: 17,
  storageController: 20,
} as const;
// The CIM schema declares RASD elements as a sequence in alphabetical order; keep to it.
const RASD_ORDER = [
  'Address',
  'AddressOnParent',
  'AllocationUnits',
  'AutomaticAllocation',
  'Caption',
  'Connection',
  'Description',
  'ElementName',
  'HostResource',
  'InstanceID',
  'Parent',
  'ResourceSubType',
  'ResourceType',
  'VirtualQuantity',
];

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function item(fields: Record<string, string | number | boolean>): string {
  const unknown = Object.keys(fields).filter((k) => !RASD_ORDER.includes(k));
  if (unknown.length > 0)
    throw new Error(`OVF item fields not in the RASD order list: ${unknown.join(', ')}`);
  const lines = RASD_ORDER.filter((k) => k in fields).map(
    (k) => `        <rasd:${k}>${escapeXml(String(fields[k]))}</rasd:${k}>`,
  );
  return ['      <Item>', ...lines, '      </Item>'].join('\n');
}

export function ovfDescriptor(input: OvfInput): string {
  const diskUuid = input.diskUuid ?? randomUUID();
  const machineUuid = input.machineUuid ?? randomUUID();
  const mac = input.mac ?? '080027100A02';
  const n = escapeXml(input.name);
  return `<?xml version="1.0" encoding="UTF-8"?>
<Envelope ovf:version="1.0" xml:lang="en-US" xmlns="${NS.ovf}" xmlns:ovf="${NS.ovf}" xmlns:rasd="${NS.rasd}" xmlns:vssd="${NS.vssd}" xmlns:vbox="${NS.vbox}">
  <References>
    <File ovf:id="file1" ovf:href="${escapeXml(input.disk.file)}" ovf:size="${input.disk.bytes}"/>
  </References>
  <DiskSection>
    <Info>The virtual disk of the appliance</Info>
    <Disk ovf:capacity="${input.disk.capacityBytes}" ovf:diskId="vmdisk1" ovf:fileRef="file1" ovf:format="${STREAM_OPTIMIZED_FORMAT}" vbox:uuid="${diskUuid}"/>
  </DiskSection>
  <NetworkSection>
    <Info>The network the appliance is attached to</Info>
    <Network ovf:name="NAT">
      <Description>CloudStack's management network, 172.16.10.0/24 (a VirtualBox NAT network named ${escapeXml(input.natNetwork)})</Description>
    </Network>
  </NetworkSection>
  <VirtualSystem ovf:id="${n}">
    <Info>An all-in-one CloudStack development machine</Info>
    <Name>${n}</Name>
    <ProductSection>
      <Info>What this appliance is</Info>
      <Product>CloudStack Runbook all-in-one</Product>
      <Vendor>CloudStack Runbook project</Vendor>
      <Version>${escapeXml(input.productVersion)}</Version>
    </ProductSection>
    <AnnotationSection>
      <Info>Description</Info>
      <Annotation>${escapeXml(input.description)}</Annotation>
    </AnnotationSection>
    <OperatingSystemSection ovf:id="96">
      <Info>The guest operating system</Info>
      <Description>Debian_64</Description>
      <vbox:OSType ovf:required="false">Debian12_64</vbox:OSType>
    </OperatingSystemSection>
    <VirtualHardwareSection>
      <Info>Virtual hardware requirements</Info>
      <System>
        <vssd:ElementName>Virtual Hardware Family</vssd:ElementName>
        <vssd:InstanceID>0</vssd:InstanceID>
        <vssd:VirtualSystemIdentifier>${n}</vssd:VirtualSystemIdentifier>
        <vssd:VirtualSystemType>virtualbox-2.2</vssd:VirtualSystemType>
      </System>
${item({ Caption: `${input.cpus} virtual CPUs`, Description: 'Number of virtual CPUs', ElementName: `${input.cpus} virtual CPUs`, InstanceID: 1, ResourceType: RESOURCE.cpu, VirtualQuantity: input.cpus })}
${item({ AllocationUnits: 'MegaBytes', Caption: `${input.memoryMb} MB of memory`, Description: 'Memory size', ElementName: `${input.memoryMb} MB of memory`, InstanceID: 2, ResourceType: RESOURCE.memory, VirtualQuantity: input.memoryMb })}
${item({ Address: 0, Caption: 'sataController0', Description: 'SATA controller', ElementName: 'sataController0', InstanceID: 3, ResourceSubType: 'AHCI', ResourceType: RESOURCE.storageController })}
${item({ AddressOnParent: 0, Caption: 'disk1', Description: 'Disk image', ElementName: 'disk1', HostResource: '/disk/vmdisk1', InstanceID: 4, Parent: 3, ResourceType: RESOURCE.disk })}
${item({ AutomaticAllocation: true, Caption: "Ethernet adapter on 'NAT'", Connection: 'NAT', ElementName: "Ethernet adapter on 'NAT'", InstanceID: 5, ResourceSubType: 'virtio', ResourceType: RESOURCE.ethernet })}
    </VirtualHardwareSection>
    <vbox:Machine ovf:required="false" version="1.16-linux" uuid="{${machineUuid}}" name="${n}" OSType="Debian12_64" snapshotFolder="Snapshots">
      <ovf:Info>VirtualBox settings the DMTF sections cannot express (nested VT-x, virtio NIC on a NAT network)</ovf:Info>
      <Hardware>
        <CPU count="${input.cpus}">
          <PAE enabled="true"/>
          <LongMode enabled="true"/>
          <X2APIC enabled="true"/>
          <HardwareVirtExLargePages enabled="true"/>
          <NestedHWVirt enabled="true"/>
        </CPU>
        <Memory RAMSize="${input.memoryMb}"/>
        <Firmware type="BIOS"/>
        <Boot>
          <Order position="1" device="HardDisk"/>
          <Order position="2" device="None"/>
          <Order position="3" device="None"/>
          <Order position="4" device="None"/>
        </Boot>
        <Display controller="VMSVGA" VRAMSize="16"/>
        <BIOS>
          <IOAPIC enabled="true"/>
        </BIOS>
        <Network>
          <Adapter slot="0" enabled="true" MACAddress="${mac}" type="virtio">
            <NATNetwork name="${escapeXml(input.natNetwork)}"/>
          </Adapter>
        </Network>
        <UART>
          <Port slot="0" enabled="false" IOBase="0x3f8" IRQ="4" hostMode="Disconnected"/>
        </UART>
        <AudioAdapter enabled="false"/>
        <RTC localOrUTC="UTC"/>
        <StorageControllers>
          <StorageController name="SATA" type="AHCI" PortCount="1" useHostIOCache="false" Bootable="true">
            <AttachedDevice type="HardDisk" hotpluggable="false" port="0" device="0">
              <Image uuid="{${diskUuid}}"/>
            </AttachedDevice>
          </StorageController>
        </StorageControllers>
      </Hardware>
    </vbox:Machine>
  </VirtualSystem>
</Envelope>
`;
}
