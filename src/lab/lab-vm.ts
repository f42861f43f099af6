// Starting one lab VM and waiting for it: used by `lab up` for every machine and by
// `lab add-host` for a KVM host added to a running lab.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Accel } from './accel.ts';
import type { LabIdentity } from './identity.ts';
import type { BaseImage } from './image.ts';
import type { LabLayout, LabMachineSpec } from './layout.ts';
import { waitForSsh, type SshTarget } from './ssh.ts';
import type { LabMachineState } from './state.ts';
import { startVm, waitForConsoleReady } from './vm.ts';

export interface LaunchInput {
  layout: LabLayout;
  spec: LabMachineSpec;
  image: BaseImage;
  accel: Accel;
  memoryMb: number;
  cpus: number;
  identity: LabIdentity;
  sshPort: number;
  /** Every machine of the lab, for the VM's /etc/hosts. */
  peers: LabMachineSpec[];
  /** Called before qemu starts, so a failure half way still leaves the machine to clean up. */
  record: (machine: LabMachineState) => void;
}

/** Start the VM on a fresh overlay disk; returns its state and its known_hosts line. */
export async function launchLabVm(
  input: LaunchInput,
): Promise<{ machine: LabMachineState; knownHost: string }> {
  const { layout, spec } = input;
  const vmDir = path.join(layout.dir, 'vms', spec.name);
  rmSync(vmDir, { recursive: true, force: true }); // a lab machine starts from the clean base image
  mkdirSync(vmDir, { recursive: true });
  const hostKeyFile = await input.identity.hostKey(spec.name);
  const machine: LabMachineState = {
    name: spec.name,
    role: spec.role,
    address: spec.address,
    sshPort: input.sshPort,
    disk: path.join(vmDir, 'disk.qcow2'),
    console: path.join(vmDir, 'console.log'),
  };
  input.record(machine);
  machine.pid = await startVm({
    spec,
    netns: layout.netns,
    image: input.image,
    accel: input.accel,
    memoryMb: input.memoryMb,
    cpus: input.cpus,
    disk: machine.disk,
    console: machine.console,
    pidFile: path.join(vmDir, 'qemu.pid'),
    hostKeyFile,
    clientKeyBlob: input.identity.clientKeyBlob,
    peers: input.peers,
  });
  const publicKey = readFileSync(`${hostKeyFile}.pub`, 'utf8')
    .trim()
    .split(/\s+/)
    .slice(0, 2)
    .join(' ');
  return { machine, knownHost: `[127.0.0.1]:${machine.sshPort} ${publicKey}` };
}

/** How long a VM may take to boot: TCG is several times slower than KVM. */
export function bootTimeoutMs(accel: Accel | undefined, override?: number): number {
  return override ?? (accel === 'kvm' ? 120_000 : 420_000);
}

/** Wait for the guest's ready line and its SSH server; records the boot time. */
export async function waitUntilUp(
  machine: LabMachineState,
  ssh: SshTarget,
  marker: string,
  timeoutMs: number,
  interrupted: () => boolean,
): Promise<void> {
  const bootStart = Date.now();
  await Promise.race([
    waitForConsoleReady(machine.name, machine.console, machine.pid!, marker, timeoutMs),
    (async () => {
      while (!interrupted()) await sleep(200);
      throw new Error('interrupted; the lab was stopped again');
    })(),
  ]);
  await waitForSsh(ssh, 60_000);
  machine.bootSeconds = (Date.now() - bootStart) / 1000;
}
