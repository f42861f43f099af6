// The OVA's descriptor against the DMTF OVF envelope schema (DSP8023, vendored in
// appliance/ovf-schema/), as xmllint checks it at build time: the generated descriptor passes,
// and the mistakes an importer would choke on are caught with the element named.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { escapeXml, ovfDescriptor } from '../../appliance/ova/ovf.ts';
import type { OvfInput } from '../../appliance/ova/ovf.ts';
import { validateOvfFile } from '../../appliance/ova/validate.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'ovf-test-'));
const input: OvfInput = {
  name: 'cloudstack-runbook-aio',
  description: 'CloudStack & KVM <all-in-one>',
  productVersion: '0.1.0',
  cpus: 4,
  memoryMb: 8192,
  disk: { file: 'cloudstack-runbook-aio-disk1.vmdk', bytes: 123456, capacityBytes: 64 * 2 ** 30 },
  natNetwork: 'CloudStackRunbook',
  diskUuid: '00000000-0000-4000-8000-000000000001',
  machineUuid: '00000000-0000-4000-8000-000000000002',
};

async function validate(xml: string) {
  const file = path.join(dir, `d${Math.random().toString(36).slice(2)}.ovf`);
  writeFileSync(file, xml);
  return validateOvfFile(file);
}

describe('OVF descriptor', () => {
  it('validates against DSP8023 with VirtualBox settings declared as an OVF section', async () => {
    const result = await validate(ovfDescriptor(input));
    expect(result.output).toBe('');
    expect(result.ok).toBe(true);
  });

  it('carries the hardware and the disk the OVA holds', () => {
    const xml = ovfDescriptor(input);
    expect(xml).toContain('ovf:version="1.0"');
    expect(xml).toContain(`ovf:capacity="${64 * 2 ** 30}"`);
    expect(xml).toContain('ovf:href="cloudstack-runbook-aio-disk1.vmdk" ovf:size="123456"');
    expect(xml).toContain('vmdk.html#streamOptimized');
    expect(xml).toContain('<NestedHWVirt enabled="true"/>');
    expect(xml).toContain('<NATNetwork name="CloudStackRunbook"/>');
    expect(xml).toContain('CloudStack &amp; KVM &lt;all-in-one&gt;');
  });

  it('is refused when a section lacks its Info', async () => {
    const result = await validate(
      ovfDescriptor(input).replace('<Info>Virtual hardware requirements</Info>', ''),
    );
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/System': This element is not expected\. Expected is .*Info/);
  });

  it('is refused when a hardware item breaks the CIM element order', async () => {
    const result = await validate(
      ovfDescriptor(input).replace(
        /<rasd:Caption>4 virtual CPUs<\/rasd:Caption>\s*<rasd:Description>Number of virtual CPUs<\/rasd:Description>/,
        '<rasd:Description>Number of virtual CPUs</rasd:Description><rasd:Caption>4 virtual CPUs</rasd:Caption>',
      ),
    );
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/Caption': This element is not expected/);
  });

  it('is refused with an unknown resource type', async () => {
    const result = await validate(
      ovfDescriptor(input).replace(
        '<rasd:ResourceType>17</rasd:ResourceType>',
        '<rasd:ResourceType>disk</rasd:ResourceType>',
      ),
    );
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/ResourceType/);
  });

  it('escapes text for XML', () => {
    expect(escapeXml(`a<b>&"c"`)).toBe('a&lt;b&gt;&amp;&quot;c&quot;');
  });
});
