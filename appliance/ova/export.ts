// Export: the bootable qcow2 → a streamOptimized VMDK (qemu-img) and an OVA, which is a plain
// tar with the .ovf descriptor first (DSP0243: the descriptor must come first so importers can
// read it before the disks), then the manifest (.mf, SHA256 of each file) and the disk.
import { execa } from 'execa';
import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sha256 } from '../lib/report.ts';
import { ovfDescriptor } from './ovf.ts';
import type { OvfInput } from './ovf.ts';

export interface QemuImageInfo {
  format: string;
  virtualSize: number;
  actualSize: number;
  subformat?: string;
}

export async function qemuImageInfo(
  file: string,
  options: { shared?: boolean } = {},
): Promise<QemuImageInfo> {
  // `shared`: the image is open in a running qemu; -U reads it without its write lock.
  const args = ['info', '--output=json', ...(options.shared ? ['-U'] : []), file];
  const info = JSON.parse(
    String((await execa('qemu-img', args)).stdout),
  ) as {
    format: string;
    'virtual-size': number;
    'actual-size': number;
    'format-specific'?: { data?: { 'create-type'?: string } };
  };
  return {
    format: info.format,
    virtualSize: info['virtual-size'],
    actualSize: info['actual-size'],
    subformat: info['format-specific']?.data?.['create-type'],
  };
}

export async function toStreamOptimizedVmdk(qcow2: string, vmdk: string): Promise<QemuImageInfo> {
  await execa(
    'qemu-img',
    [
      'convert',
      '-p',
      '-f',
      'qcow2',
      '-O',
      'vmdk',
      '-o',
      'subformat=streamOptimized,adapter_type=lsilogic,hwversion=4',
      qcow2,
      vmdk,
    ],
    { stdout: 'ignore' },
  );
  const info = await qemuImageInfo(vmdk);
  if (info.format !== 'vmdk' || info.subformat !== 'streamOptimized')
    throw new Error(`${vmdk} is ${info.format}/${info.subformat}, not a streamOptimized VMDK`);
  return info;
}

export interface OvaFiles {
  ova: string;
  ovf: string;
  manifest: string;
}

/** Write NAME.ovf and NAME.mf beside the VMDK, and NAME.ova = tar(ovf, mf, vmdk), ovf first. */
export async function writeOva(
  dir: string,
  name: string,
  vmdk: string,
  ovf: Omit<OvfInput, 'disk'>,
): Promise<OvaFiles> {
  const info = await qemuImageInfo(vmdk);
  const descriptor = ovfDescriptor({
    ...ovf,
    disk: {
      file: path.basename(vmdk),
      bytes: statSync(vmdk).size,
      capacityBytes: info.virtualSize,
    },
  });
  const ovfFile = path.join(dir, `${name}.ovf`);
  writeFileSync(ovfFile, descriptor);
  const manifest = path.join(dir, `${name}.mf`);
  const digest = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
  writeFileSync(
    manifest,
    `SHA256(${path.basename(ovfFile)})= ${digest(ovfFile)}\nSHA256(${path.basename(vmdk)})= ${await sha256(vmdk)}\n`,
  );
  const ova = path.join(dir, `${name}.ova`);
  // ustar with fixed owner and mode: an OVA is read by many tools, keep the tar plain.
  await execa('tar', [
    '--format=ustar',
    '--owner=0',
    '--group=0',
    '--numeric-owner',
    '--mode=0644',
    '-cf',
    ova,
    '-C',
    dir,
    path.basename(ovfFile),
    path.basename(manifest),
    path.basename(vmdk),
  ]);
  return { ova, ovf: ovfFile, manifest };
}

/** Members of a tar in order (for the checks: the descriptor must be first). */
export async function tarMembers(tarFile: string): Promise<string[]> {
  return String((await execa('tar', ['-tf', tarFile])).stdout)
    .split('\n')
    .filter(Boolean);
}
