// `runbook lab up | down | status`: Debian 12 VMs on the runbook's network, in a namespace of
// their own, reachable from here by SSH and able to reach Debian's archive and nothing else.
// (`lab add-host`, one more KVM host in a running lab, is add-host.ts.)
import { execa } from 'execa';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { detectAccel } from './accel.ts';
import type { DaemonConfig, DaemonReady } from './daemon.ts';
import { loadIdentity } from './identity.ts';
import { ensureBaseImage } from './image.ts';
import { LAB_NETWORK, MANAGEMENT, labLayout, labMachines } from './layout.ts';
import type { LabLayout } from './layout.ts';
import { createLabNetwork, destroyLabNetwork, netnsExists } from './netns.ts';
import { isLabProcess, spawnDetached, stopProcess } from './processes.ts';
import { writeLabSite } from './site-file.ts';
import { sshBanner } from './ssh.ts';
import type { SshTarget } from './ssh.ts';
import { ensureStateDir, statePaths } from '../state/paths.ts';
import { readLabState, writeLabState } from './state.ts';
import type { LabMachineState, LabState } from './state.ts';
import { bootTimeoutMs, launchLabVm, waitUntilUp } from './lab-vm.ts';

const daemonScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 'daemon.ts');
export const MAX_HOSTS = 8; // .3-.10: the zone's public range starts at .11

export interface LabUpOptions {
  hosts?: number;
  memory?: number;
  dir?: string;
  bootTimeoutMs?: number;
  onProgress?: (message: string) => void;
}

export interface LabMachineStatus extends LabMachineState {
  running: boolean;
  sshReachable: boolean;
}

export interface LabStatus {
  up: boolean;
  dir: string;
  siteFile: string;
  netns: string;
  networkPresent: boolean;
  accel?: string;
  machines: LabMachineStatus[];
  daemons: { name: string; pid: number; running: boolean }[];
  image?: LabState['image'];
  upSeconds?: number;
}

export function sshTarget(layout: LabLayout, port: number): SshTarget {
  return {
    port,
    identity: path.join(layout.identityDir, 'id_ed25519'),
    knownHosts: path.join(layout.identityDir, 'known_hosts'),
  };
}

/** How to reach the lab machine called `name` over SSH. */
export function machineTarget(layout: LabLayout, lab: LabStatus, name: string): SshTarget {
  const machine = lab.machines.find((m) => m.name === name);
  if (!machine) throw new Error(`the lab has no machine ${name}`);
  return sshTarget(layout, machine.sshPort);
}

async function requireTools(): Promise<void> {
  if (process.getuid?.() !== 0)
    throw new Error(
      'the lab needs root (network namespaces, tap devices, mmdebstrap); run it as root',
    );
  for (const tool of [
    'qemu-system-x86_64',
    'qemu-img',
    'ip',
    'mmdebstrap',
    'mkfs.ext4',
    'ssh',
    'ssh-keygen',
  ]) {
    const found = await execa('sh', ['-c', `command -v ${tool}`], { reject: false });
    if (found.exitCode !== 0)
      throw new Error(
        `${tool} is not installed; run scripts/setup.sh (it installs scripts/system-packages.txt)`,
      );
  }
}

/** A relay daemon of the lab (in the namespace or outside it), started detached; waits until it is ready. */
export async function startDaemon(
  layout: LabLayout,
  name: string,
  config: Omit<DaemonConfig, 'readyFile'>,
  inNetns: boolean,
): Promise<DaemonReady & { name: string }> {
  const configFile = path.join(layout.dir, `${name}.json`);
  const readyFile = path.join(layout.dir, `${name}.ready`);
  rmSync(readyFile, { force: true });
  writeFileSync(configFile, JSON.stringify({ ...config, readyFile }, null, 2));
  const node = [process.execPath, daemonScript, configFile];
  const [command, ...args] = inNetns ? ['ip', 'netns', 'exec', layout.netns, ...node] : node;
  const pid = spawnDetached(command!, args, path.join(layout.logDir, `${name}.log`));
  const deadline = Date.now() + 20_000;
  while (!existsSync(readyFile)) {
    if (Date.now() > deadline || !isLabProcess(pid, layout.dir)) {
      throw new Error(
        `the lab's ${name} did not start; see ${path.join(layout.logDir, `${name}.log`)}`,
      );
    }
    await sleep(100);
  }
  return { ...(JSON.parse(readFileSync(readyFile, 'utf8')) as DaemonReady), name };
}

/**
 * Memory per machine when `--memory` is not given: what the runbook's preflight asks of the role
 * (4 GB per machine, 6 GB for an all-in-one one), so that a lab install does not stop there.
 */
export function defaultLabMemoryMb(hosts: number): number {
  return hosts === 0 ? 6144 : 4096;
}

/** Start the lab. On any failure (or Ctrl-C while starting) everything started is stopped again. */
export async function labUp(options: LabUpOptions = {}): Promise<LabStatus> {
  const hosts = options.hosts ?? 0;
  const memoryMb = options.memory ?? defaultLabMemoryMb(hosts);
  if (!Number.isInteger(hosts) || hosts < 0 || hosts > MAX_HOSTS)
    throw new Error(
      `--hosts must be a whole number from 0 (all-in-one) to ${MAX_HOSTS}, not ${hosts}`,
    );
  if (!Number.isInteger(memoryMb) || memoryMb < 512)
    throw new Error(`--memory is in MB and must be at least 512, not ${memoryMb}`);
  const layout = labLayout(options.dir);
  const progress = options.onProgress ?? (() => {});
  const existing = readLabState(layout.stateFile);
  if (
    existing &&
    (existing.machines.some((m) => m.pid && isLabProcess(m.pid, existing.marker)) ||
      (await netnsExists(existing.netns)))
  ) {
    throw new Error(
      `a lab is already up in ${layout.dir}; run \`runbook lab down\` first (or \`runbook lab status\`)`,
    );
  }
  await requireTools();

  const started = Date.now();
  mkdirSync(layout.logDir, { recursive: true });
  // Keys, disks and logs never belong in a repository, wherever the lab directory is.
  writeFileSync(path.join(layout.dir, '.gitignore'), '*\n');
  const machines = labMachines(hosts);
  const state: LabState = {
    dir: layout.dir,
    netns: layout.netns,
    marker: layout.dir,
    memoryMb,
    daemons: [],
    machines: [],
    startedAt: new Date().toISOString(),
  };
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const checkpoint = () => {
    writeLabState(layout.stateFile, state);
    if (interrupted) throw new Error('interrupted; the lab was stopped again');
  };
  try {
    progress('base image: checking the cache (a first build takes several minutes)');
    const image = await ensureBaseImage(
      layout.cacheDir,
      path.join(layout.logDir, 'image-build.log'),
    );
    state.image = { dir: image.dir, cached: image.cached, seconds: image.seconds };
    progress(
      `base image: ${image.cached ? 'cached' : `built in ${Math.round(image.seconds)} s`} (${image.dir})`,
    );
    state.accel = await detectAccel(image.kernel);
    progress(`accelerator: ${state.accel}`);
    checkpoint();

    // Every `lab up` starts from clean machines, so the installer's journal and secrets for the
    // lab's site (in .runbook/ beside the site file) would describe machines that no longer exist.
    rmSync(path.join(layout.dir, '.runbook'), { recursive: true, force: true });
    const identity = await loadIdentity(layout.identityDir, [
      ...machines.map((m) => `ssh:${m.name}`),
      'api',
    ]);
    rmSync(path.join(layout.identityDir, 'known_hosts'), { force: true });
    const knownHosts: string[] = [];

    if (await netnsExists(layout.netns)) await destroyLabNetwork(layout.netns); // left by a crash
    rmSync(layout.socketDir, { recursive: true, force: true });
    mkdirSync(layout.socketDir, { recursive: true, mode: 0o700 });
    await createLabNetwork(layout.netns, machines.length);
    progress(
      `network: namespace ${layout.netns}, bridge with ${LAB_NETWORK.gateway}/${LAB_NETWORK.prefix}, no route out`,
    );

    const sock = (name: string) => ({ unix: path.join(layout.socketDir, `${name}.sock`) });
    const inside = await startDaemon(
      layout,
      'relay-netns',
      {
        relays: [
          ...machines.map((m) => ({
            name: `ssh:${m.name}`,
            from: sock(`ssh-${m.name}`),
            to: { tcp: { host: m.address, port: 22 } },
          })),
          { name: 'api', from: sock('api'), to: { tcp: { host: MANAGEMENT.address, port: 8080 } } },
          {
            name: 'archive-http',
            from: { tcp: { host: LAB_NETWORK.gateway, port: 80 } },
            to: sock('archive'),
          },
          {
            name: 'archive-proxy',
            from: { tcp: { host: LAB_NETWORK.gateway, port: 3142 } },
            to: sock('archive'),
          },
        ],
      },
      true,
    );
    state.daemons.push({ name: inside.name, pid: inside.pid });
    checkpoint();
    const outside = await startDaemon(
      layout,
      'relay-host',
      {
        relays: [
          ...machines.map((m) => ({
            name: `ssh:${m.name}`,
            from: { tcp: { host: '127.0.0.1', port: identity.ports[`ssh:${m.name}`]! } },
            to: sock(`ssh-${m.name}`),
          })),
          {
            name: 'api',
            from: { tcp: { host: '127.0.0.1', port: identity.ports.api! } },
            to: sock('api'),
          },
          { name: 'archive', from: sock('archive'), to: 'archive-proxy' as const },
        ],
      },
      false,
    );
    state.daemons.push({ name: outside.name, pid: outside.pid });
    state.apiPort = identity.ports.api;
    checkpoint();

    const cpusPerVm = Math.max(1, Math.floor(cpus().length / machines.length));
    for (const spec of machines) {
      const { machine, knownHost } = await launchLabVm({
        layout,
        spec,
        image,
        accel: state.accel,
        memoryMb,
        cpus: cpusPerVm,
        identity,
        sshPort: identity.ports[`ssh:${spec.name}`]!,
        peers: machines,
        record: (m) => state.machines.push(m),
      });
      knownHosts.push(knownHost);
      checkpoint();
      progress(
        `${spec.name}: booting (${spec.address}, ssh 127.0.0.1:${machine.sshPort}, ${state.accel}, ${memoryMb} MB)`,
      );
    }
    writeFileSync(path.join(layout.identityDir, 'known_hosts'), knownHosts.join('\n') + '\n');
    // The lab made these host keys itself, so the installer's own record for the lab's site
    // starts with them: no first-contact question, and an exported playbook (which checks
    // `.runbook/known_hosts`) reaches the machines right after `lab up`.
    const installerState = statePaths(layout.siteFile);
    ensureStateDir(installerState);
    writeFileSync(installerState.knownHosts, knownHosts.join('\n') + '\n', { mode: 0o600 });

    const bootTimeout = bootTimeoutMs(state.accel, options.bootTimeoutMs);
    await Promise.all(
      state.machines.map(async (machine) => {
        const ssh = sshTarget(layout, machine.sshPort);
        await waitUntilUp(machine, ssh, state.marker, bootTimeout, () => interrupted);
        progress(`${machine.name}: up in ${Math.round(machine.bootSeconds!)} s`);
      }),
    );
    state.upSeconds = (Date.now() - started) / 1000;
    checkpoint();
    writeLabSite(layout.siteFile, {
      machines,
      sshPorts: Object.fromEntries(state.machines.map((m) => [m.name, m.sshPort])),
      apiPort: state.apiPort!,
      identity: identity.clientKey,
    });
    progress(`site file: ${layout.siteFile}`);
    return await labStatus({ dir: options.dir });
  } catch (error) {
    progress('stopping what was started');
    await labDown({ dir: options.dir });
    throw error;
  } finally {
    interrupted = true; // ends the interrupt watchers
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

export interface LabDownResult {
  stopped: string[];
  networkRemoved: boolean;
}

/** Stop every VM and relay of the lab and remove its namespace. Safe to run any number of times. */
export async function labDown(options: { dir?: string } = {}): Promise<LabDownResult> {
  const layout = labLayout(options.dir);
  const state = readLabState(layout.stateFile);
  const stopped: string[] = [];
  if (state) {
    await Promise.all(
      state.machines.map(async (m) => {
        if (m.pid && (await stopProcess(m.pid, state.marker, 3000)) === 'stopped')
          stopped.push(m.name);
      }),
    );
    for (const d of state.daemons)
      if ((await stopProcess(d.pid, state.marker)) === 'stopped') stopped.push(d.name);
  }
  const networkRemoved = await destroyLabNetwork(layout.netns);
  rmSync(layout.socketDir, { recursive: true, force: true });
  if (state) {
    rmSync(path.join(layout.dir, 'vms'), { recursive: true, force: true });
    for (const d of state.daemons)
      for (const ext of ['json', 'ready'])
        rmSync(path.join(layout.dir, `${d.name}.${ext}`), { force: true });
    rmSync(layout.stateFile, { force: true });
  }
  return { stopped, networkRemoved };
}

export async function labStatus(options: { dir?: string } = {}): Promise<LabStatus> {
  const layout = labLayout(options.dir);
  const state = readLabState(layout.stateFile);
  const networkPresent = await netnsExists(layout.netns);
  const machines: LabMachineStatus[] = [];
  for (const m of state?.machines ?? []) {
    const running = m.pid !== undefined && isLabProcess(m.pid, state!.marker);
    const banner = running ? await sshBanner(m.sshPort) : undefined;
    machines.push({ ...m, running, sshReachable: banner?.startsWith('SSH-') ?? false });
  }
  const daemons = (state?.daemons ?? []).map((d) => ({
    ...d,
    running: isLabProcess(d.pid, state!.marker),
  }));
  return {
    up:
      machines.length > 0 &&
      machines.every((m) => m.running) &&
      daemons.every((d) => d.running) &&
      networkPresent,
    dir: layout.dir,
    siteFile: layout.siteFile,
    netns: layout.netns,
    networkPresent,
    accel: state?.accel,
    machines,
    daemons,
    image: state?.image,
    upSeconds: state?.upSeconds,
  };
}
