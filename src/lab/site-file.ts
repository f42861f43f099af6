// The site file a lab writes for the user (DESIGN.md section 4): the runbook's addresses, with
// `ssh` overrides saying how the installer reaches each VM from this machine (loopback ports
// relayed into the lab namespace) and the API endpoint relayed the same way.
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { LAB_NETWORK } from './layout.ts';
import type { LabMachineSpec } from './layout.ts';

export interface LabSiteInput {
  machines: LabMachineSpec[];
  sshPorts: Record<string, number>;
  apiPort: number;
  identity: string;
}

export function labSite(input: LabSiteInput): Record<string, unknown> {
  const entry = (m: LabMachineSpec) => ({
    address: m.address,
    hostname: m.name,
    ssh: { host: '127.0.0.1', port: input.sshPorts[m.name] },
  });
  const management = input.machines.find((m) => m.role === 'management');
  if (!management) throw new Error('a lab always has a management server');
  return {
    name: 'lab',
    network: {
      interface: 'eth0',
      cidr: LAB_NETWORK.cidr,
      gateway: LAB_NETWORK.gateway,
      dns: [LAB_NETWORK.gateway],
      domain: LAB_NETWORK.domain,
    },
    management: entry(management),
    hosts: input.machines.filter((m) => m.role === 'kvm').map(entry),
    ssh: { user: 'root', identity: input.identity },
    zone: {
      name: 'Zone1',
      public: '172.16.10.11-172.16.10.20',
      pod: '172.16.10.21-172.16.10.30',
      guestVlans: '100-200',
    },
    cloudstack: {
      version: '4.22',
      repository: 'https://download.cloudstack.org/debian',
      endpoint: `http://127.0.0.1:${input.apiPort}/client/api`,
    },
  };
}

export function writeLabSite(file: string, input: LabSiteInput): void {
  const header = [
    '# Site file of the local lab, written by `runbook lab up`; it is rewritten on every `lab up`.',
    "# The VMs use the runbook's own addresses inside the lab network; the installer reaches",
    '# them through the loopback ports under `ssh`, and the API through cloudstack.endpoint.',
    "# Only Debian's archive is reachable from the lab: download.cloudstack.org is not.",
    '',
  ].join('\n');
  writeFileSync(file, header + stringify(labSite(input)));
}
