// `runbook lab add-host`: one more KVM host in a running lab, the way an operator racks a new
// server: a fresh VM on the next address (.3, .4, ...), on the lab segment, reachable by SSH
// through relays of its own, its host key recorded, and the lab's site file listing it. The
// installer's journal for the lab site is kept: the next `runbook install` adds the host.
import { appendFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { ensureBaseImage } from './image.ts';
import { loadIdentity } from './identity.ts';
import { labLayout, labMachines, type LabLayout } from './layout.ts';
import { bootTimeoutMs, launchLabVm, waitUntilUp } from './lab-vm.ts';
import { labStatus, MAX_HOSTS, sshTarget, startDaemon, type LabStatus } from './lab.ts';
import { addLabTap } from './netns.ts';
import { writeLabSite } from './site-file.ts';
import { readLabState, writeLabState, type LabState } from './state.ts';
import { ensureStateDir, statePaths } from '../state/paths.ts';

export interface LabAddHostOptions {
  dir?: string;
  /** Memory of the new machine in MiB (default: what the lab's machines have). */
  memory?: number;
  bootTimeoutMs?: number;
  onProgress?: (message: string) => void;
}

export async function labAddHost(options: LabAddHostOptions = {}): Promise<LabStatus> {
  const layout = labLayout(options.dir);
  const progress = options.onProgress ?? (() => {});
  const before = await labStatus({ dir: options.dir });
  const state = readLabState(layout.stateFile);
  if (!state || !before.up)
    throw new Error(
      `no lab is fully up in ${layout.dir}; start one with \`runbook lab up --hosts 1\` first`,
    );
  const kvmHosts = state.machines.filter((m) => m.role === 'kvm').length;
  if (state.machines.length === 1)
    throw new Error(
      'the lab is all-in-one: a KVM host can only be added to a lab with separate KVM hosts (`runbook lab up --hosts 1`)',
    );
  if (kvmHosts >= MAX_HOSTS)
    throw new Error(`the lab already has ${MAX_HOSTS} KVM hosts, as many as its addresses allow`);
  const memoryMb = options.memory ?? state.memoryMb;
  if (!Number.isInteger(memoryMb) || memoryMb < 512)
    throw new Error(`--memory is in MB and must be at least 512, not ${memoryMb}`);

  try {
    return await addMachine(layout, state, kvmHosts, memoryMb, options, progress);
  } catch (error) {
    // Whatever started is in the lab's state: `lab down` stops it with the rest.
    progress(
      'the new machine did not come up; `runbook lab down` stops everything the lab started',
    );
    throw error;
  }
}

async function addMachine(
  layout: LabLayout,
  state: LabState,
  kvmHosts: number,
  memoryMb: number,
  options: LabAddHostOptions,
  progress: (message: string) => void,
): Promise<LabStatus> {
  const machines = labMachines(kvmHosts + 1);
  const spec = machines.at(-1)!;
  const image = await ensureBaseImage(layout.cacheDir, path.join(layout.logDir, 'image-build.log'));
  const identity = await loadIdentity(layout.identityDir, [`ssh:${spec.name}`]);
  const sshPort = identity.ports[`ssh:${spec.name}`]!;
  await addLabTap(layout.netns, spec.index);

  // Relays of its own, so the ones already carrying the other machines' sessions stay as they are.
  const socket = { unix: path.join(layout.socketDir, `ssh-${spec.name}.sock`) };
  const relayName = `ssh:${spec.name}`;
  const inside = await startDaemon(
    layout,
    `relay-netns-${spec.name}`,
    { relays: [{ name: relayName, from: socket, to: { tcp: { host: spec.address, port: 22 } } }] },
    true,
  );
  state.daemons.push({ name: inside.name, pid: inside.pid });
  writeLabState(layout.stateFile, state);
  const outside = await startDaemon(
    layout,
    `relay-host-${spec.name}`,
    {
      relays: [
        { name: relayName, from: { tcp: { host: '127.0.0.1', port: sshPort } }, to: socket },
      ],
    },
    false,
  );
  state.daemons.push({ name: outside.name, pid: outside.pid });
  writeLabState(layout.stateFile, state);

  const { machine, knownHost } = await launchLabVm({
    layout,
    spec,
    image,
    accel: state.accel!,
    memoryMb,
    cpus: 1,
    identity,
    sshPort,
    peers: machines,
    record: (m) => state.machines.push(m),
  });
  writeLabState(layout.stateFile, state);
  progress(`${spec.name}: booting (${spec.address}, ssh 127.0.0.1:${sshPort}, ${state.accel})`);
  // Trusted as `lab up` trusts its machines: the lab made the key itself.
  appendFileSync(path.join(layout.identityDir, 'known_hosts'), `${knownHost}\n`);
  const installer = statePaths(layout.siteFile);
  ensureStateDir(installer);
  appendFileSync(installer.knownHosts, `${knownHost}\n`, { mode: 0o600 });

  await waitUntilUp(
    machine,
    sshTarget(layout, sshPort),
    state.marker,
    bootTimeoutMs(state.accel, options.bootTimeoutMs),
    () => false,
  );
  writeLabState(layout.stateFile, state);
  progress(`${spec.name}: up in ${Math.round(machine.bootSeconds!)} s`);
  writeLabSite(layout.siteFile, {
    machines,
    sshPorts: Object.fromEntries(state.machines.map((m) => [m.name, m.sshPort])),
    apiPort: state.apiPort!,
    identity: identity.clientKey,
  });
  progress(
    `site file: ${layout.siteFile} now lists ${spec.name}; run \`runbook install\` to add it`,
  );
  if (!existsSync(installer.journal))
    progress('(nothing was installed on this lab yet: `runbook install` sets up every machine)');
  return labStatus({ dir: options.dir });
}
