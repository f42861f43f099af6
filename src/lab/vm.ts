// One lab VM: a qcow2 overlay on the cached base image, booted straight into the image's
// kernel (no bootloader), virtio disk and network on the lab bridge, serial console to a file.
// The guest configures itself from the kernel command line (appliance/lab/guest/lab-firstboot).
import { execa } from 'execa';
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { cpuModel } from './accel.ts';
import type { Accel } from './accel.ts';
import type { BaseImage } from './image.ts';
import { LAB_NETWORK } from './layout.ts';
import type { LabMachineSpec } from './layout.ts';
import { tapName } from './netns.ts';
import { isLabProcess } from './processes.ts';

export const READY_MARKER = 'RUNBOOK-LAB-READY';

export interface VmLaunch {
  spec: LabMachineSpec;
  netns: string;
  image: BaseImage;
  accel: Accel;
  memoryMb: number;
  cpus: number;
  disk: string;
  console: string;
  pidFile: string;
  hostKeyFile: string;
  clientKeyBlob: string;
  /** All lab machines, for each VM's /etc/hosts. */
  peers: LabMachineSpec[];
}

export function macAddress(index: number): string {
  return `52:54:00:10:0a:${(index + 2).toString(16).padStart(2, '0')}`;
}

export function kernelCommandLine(launch: VmLaunch): string {
  const { spec } = launch;
  return [
    'root=/dev/vda rw console=ttyS0 net.ifnames=0 panic=-1',
    `lab.ip=${spec.address}/${LAB_NETWORK.prefix}`,
    `lab.gw=${LAB_NETWORK.gateway}`,
    `lab.hostname=${spec.name}`,
    `lab.domain=${LAB_NETWORK.domain}`,
    `lab.archive=${LAB_NETWORK.gateway}`,
    `lab.sshkey=${launch.clientKeyBlob}`,
    `lab.hosts=${launch.peers.map((p) => `${p.address}=${p.name}`).join(',')}`,
  ].join(' ');
}

/** The qemu command line; `marker` (the namespace name) goes into -name so the process is recognisable. */
export function qemuArgs(launch: VmLaunch): string[] {
  const cpu = cpuModel(launch.accel);
  return [
    '-name',
    `${launch.spec.name},process=qemu-${launch.netns}-${launch.spec.name}`,
    '-machine',
    `q35,accel=${launch.accel}`,
    '-cpu',
    cpu,
    '-smp',
    String(launch.cpus),
    '-m',
    String(launch.memoryMb),
    '-kernel',
    launch.image.kernel,
    '-initrd',
    launch.image.initrd,
    '-append',
    kernelCommandLine(launch),
    '-drive',
    `file=${launch.disk},if=virtio,format=qcow2,cache=unsafe,discard=unmap`,
    '-netdev',
    `tap,id=net0,ifname=${tapName(launch.spec.index)},script=no,downscript=no`,
    '-device',
    `virtio-net-pci,netdev=net0,mac=${macAddress(launch.spec.index)}`,
    '-device',
    'virtio-rng-pci',
    '-fw_cfg',
    `name=opt/runbook-lab/ssh_host_ed25519_key,file=${launch.hostKeyFile}`,
    '-nodefaults',
    '-display',
    'none',
    '-monitor',
    'none',
    '-serial',
    `file:${launch.console}`,
    '-daemonize',
    '-pidfile',
    launch.pidFile,
  ];
}

/** Create the overlay disk and start qemu inside the lab namespace; returns qemu's pid. */
export async function startVm(launch: VmLaunch): Promise<number> {
  if (!existsSync(launch.disk)) {
    await execa('qemu-img', [
      'create',
      '-q',
      '-f',
      'qcow2',
      '-F',
      'qcow2',
      '-b',
      launch.image.disk,
      launch.disk,
    ]);
  }
  await execa('ip', ['netns', 'exec', launch.netns, 'qemu-system-x86_64', ...qemuArgs(launch)], {
    stdin: 'ignore',
  });
  return Number(readFileSync(launch.pidFile, 'utf8').trim());
}

export function consoleTail(consoleFile: string, lines = 15): string {
  if (!existsSync(consoleFile)) return '(no console output)';
  return readFileSync(consoleFile, 'utf8').split('\n').slice(-lines).join('\n');
}

/** Wait for the guest's ready line on the serial console; fails early if qemu exits. */
export async function waitForConsoleReady(
  name: string,
  consoleFile: string,
  pid: number,
  marker: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (
      existsSync(consoleFile) &&
      readFileSync(consoleFile, 'utf8').includes(`${READY_MARKER} ${name}`)
    )
      return;
    if (!isLabProcess(pid, marker))
      throw new Error(
        `VM ${name} stopped while booting; last console lines:\n${consoleTail(consoleFile)}`,
      );
    await sleep(500);
  }
  throw new Error(
    `VM ${name} did not come up within ${Math.round(timeoutMs / 1000)} s; last console lines:\n${consoleTail(consoleFile)}`,
  );
}
