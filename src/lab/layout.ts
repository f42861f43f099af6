// Where a lab keeps things, and the fixed facts of its network. One lab per directory: the
// namespace name and the socket directory derive from the lab directory, so two checkouts
// (or the test suite and a user's lab) never share processes or interfaces.
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import path from 'node:path';

/** The runbook's own addresses (DESIGN.md section 1): gateway .1, management .2, KVM hosts .3.. */
export const LAB_NETWORK = {
  cidr: '172.16.10.0/24',
  prefix: 24,
  gateway: '172.16.10.1',
  domain: 'lab.internal',
  firstHost: 3,
} as const;

export const MANAGEMENT = { address: '172.16.10.2', hostname: 'cloudstack-mgmt' } as const;

export interface LabLayout {
  dir: string;
  /** Network namespace holding the lab's L2 segment. */
  netns: string;
  /** Unix sockets joining the host and the namespace (paths must stay short: 108 bytes). */
  socketDir: string;
  cacheDir: string;
  stateFile: string;
  siteFile: string;
  /** Kept across `lab down`: SSH keys and ports, so the installer's recorded host keys stay valid. */
  identityDir: string;
  logDir: string;
}

export function labLayout(
  dir = process.env.RUNBOOK_LAB_DIR ?? '.runbook-lab',
  env: NodeJS.ProcessEnv = process.env,
): LabLayout {
  const abs = path.resolve(dir);
  const tag = createHash('sha256').update(abs).digest('hex').slice(0, 8);
  const netns = `rblab-${tag}`;
  return {
    dir: abs,
    netns,
    socketDir: path.join('/run/runbook-lab', netns),
    cacheDir: path.resolve(
      env.RUNBOOK_LAB_CACHE ??
        path.join(
          env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'),
          'cloudstack-runbook',
          'lab',
        ),
    ),
    stateFile: path.join(abs, 'state.json'),
    siteFile: path.join(abs, 'site.yaml'),
    identityDir: path.join(abs, 'identity'),
    logDir: path.join(abs, 'logs'),
  };
}

export interface LabMachineSpec {
  name: string;
  role: 'management' | 'kvm';
  address: string;
  /** Index on the segment: tap name, MAC address. */
  index: number;
}

/** The machines of a lab with `hosts` KVM hosts; 0 means all-in-one (management only). */
export function labMachines(hosts: number): LabMachineSpec[] {
  const machines: LabMachineSpec[] = [
    { name: MANAGEMENT.hostname, role: 'management', address: MANAGEMENT.address, index: 0 },
  ];
  for (let i = 1; i <= hosts; i++) {
    machines.push({
      name: `kvm${i}`,
      role: 'kvm',
      address: `172.16.10.${LAB_NETWORK.firstHost + i - 1}`,
      index: i,
    });
  }
  return machines;
}
