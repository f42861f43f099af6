// Checks of an exported OVA that stand in for VirtualBox's importer (not available here): the
// descriptor validates against the DMTF OVF envelope schema (DSP8023, vendored in
// appliance/ovf-schema/ with VirtualBox's section declared as an OVF extension), it is the
// first member of the tar, the manifest's digests match, and qemu-img reads the disk as a
// streamOptimized VMDK of the declared capacity.
import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { applianceDir } from '../lib/paths.ts';
import { sha256 } from '../lib/report.ts';
import { qemuImageInfo, tarMembers } from './export.ts';

export const OVF_SCHEMA = path.join(applianceDir, 'ovf-schema', 'validate.xsd');

export async function validateOvfFile(ovf: string): Promise<{ ok: boolean; output: string }> {
  const result = await execa('xmllint', ['--noout', '--nonet', '--schema', OVF_SCHEMA, ovf], {
    reject: false,
  });
  const output = String(result.stderr)
    .split('\n')
    .filter((l) => l && !l.includes('Skipping import of schema') && !l.endsWith(' validates'))
    .join('\n');
  return { ok: result.exitCode === 0, output };
}

export async function validateOva(ova: string): Promise<string[]> {
  const problems: string[] = [];
  const members = await tarMembers(ova);
  if (!members[0]?.endsWith('.ovf'))
    problems.push(
      `the first member of ${path.basename(ova)} is ${members[0]}, not the .ovf descriptor`,
    );
  const dir = mkdtempSync(path.join(tmpdir(), 'ova-check-'));
  try {
    await execa('tar', ['-xf', ova, '-C', dir]);
    const ovf = members.find((m) => m.endsWith('.ovf'));
    if (!ovf) return [...problems, 'no .ovf descriptor in the OVA'];
    const schema = await validateOvfFile(path.join(dir, ovf));
    if (!schema.ok)
      problems.push(`the descriptor does not validate against DSP8023:\n${schema.output}`);
    const descriptor = readFileSync(path.join(dir, ovf), 'utf8');
    const mf = members.find((m) => m.endsWith('.mf'));
    if (mf) {
      for (const line of readFileSync(path.join(dir, mf), 'utf8').split('\n').filter(Boolean)) {
        const match = /^SHA256\((.+)\)= ([0-9a-f]{64})$/.exec(line);
        if (!match) problems.push(`manifest line not understood: ${line}`);
        else if ((await sha256(path.join(dir, match[1]!))) !== match[2])
          problems.push(`manifest digest of ${match[1]} does not match`);
      }
    } else problems.push('no .mf manifest in the OVA');
    for (const href of [...descriptor.matchAll(/ovf:href="([^"]+)"/g)].map((m) => m[1]!)) {
      if (!members.includes(href)) {
        problems.push(`the descriptor references ${href}, which is not in the OVA`);
        continue;
      }
      const info = await qemuImageInfo(path.join(dir, href));
      if (info.format !== 'vmdk' || info.subformat !== 'streamOptimized')
        problems.push(
          `${href} is ${info.format}/${info.subformat ?? '?'}, not a streamOptimized VMDK`,
        );
      const capacity = /ovf:capacity="(\d+)"/.exec(descriptor)?.[1];
      if (capacity && Number(capacity) !== info.virtualSize)
        problems.push(
          `the descriptor says ${capacity} bytes of capacity, the VMDK has ${info.virtualSize}`,
        );
      const check = await execa('qemu-img', ['check', path.join(dir, href)], { reject: false });
      if (check.exitCode !== 0)
        problems.push(`qemu-img check ${href}: ${String(check.stdout + check.stderr).trim()}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return problems;
}
