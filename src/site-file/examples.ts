// Each site field written correctly, for fixes that show what to write (`address: 172.16.10.3`)
// instead of pointing somewhere else. The values are the runbook's defaults, as `runbook init`
// writes them.
import type { FieldPath } from './positions.ts';

const MACHINE = '{ address: 172.16.10.3, hostname: kvm1 }';
const SSH = '{ host: 192.0.2.10, port: 22, user: root, identity: ~/.ssh/id_ed25519 }';

/** By the dotted path with list positions left out: `hosts.address`, `network.dns`. */
const EXAMPLES: Record<string, string> = {
  name: 'name: demo',
  network: 'network: { interface: eth0, cidr: 172.16.10.0/24, gateway: 172.16.10.1 }',
  'network.interface': 'interface: eth0',
  'network.cidr': 'cidr: 172.16.10.0/24',
  'network.gateway': 'gateway: 172.16.10.1',
  'network.dns': 'dns: [8.8.8.8, 8.8.4.4]',
  'network.dns[]': '- 8.8.8.8',
  'network.domain': 'domain: cloud.internal',
  management: 'management: { address: 172.16.10.2, hostname: cloudstack-mgmt }',
  'management.address': 'address: 172.16.10.2',
  'management.hostname': 'hostname: cloudstack-mgmt',
  hosts: `hosts: [${MACHINE}]`,
  'hosts[]': `- ${MACHINE}`,
  'hosts.address': 'address: 172.16.10.3',
  'hosts.hostname': 'hostname: kvm1',
  ssh: 'ssh: { user: root, identity: ~/.ssh/id_ed25519 }',
  'ssh.user': 'user: root',
  'ssh.identity': 'identity: ~/.ssh/id_ed25519',
  'ssh.port': 'port: 22',
  'ssh.password': 'password: false',
  'ssh.host': 'host: 192.0.2.10',
  zone: 'zone: { name: Zone1, public: 172.16.10.11-172.16.10.20, pod: 172.16.10.21-172.16.10.30, guestVlans: 100-200 }',
  'zone.name': 'name: Zone1',
  'zone.public': 'public: 172.16.10.11-172.16.10.20',
  'zone.pod': 'pod: 172.16.10.21-172.16.10.30',
  'zone.guestVlans': 'guestVlans: 100-200',
  'zone.podName': 'podName: Pod1',
  'zone.clusterName': 'clusterName: Cluster1',
  'zone.physicalNetworkName': 'physicalNetworkName: Physical Network 1',
  storage: 'storage: { primary: /export/primary, secondary: /export/secondary }',
  'storage.primary': 'primary: /export/primary',
  'storage.secondary': 'secondary: /export/secondary',
  cloudstack: 'cloudstack: { version: "4.22" }',
  'cloudstack.version': 'version: "4.22"',
  'cloudstack.repository': 'repository: https://download.cloudstack.org/debian',
  'cloudstack.mysqlRepository': 'mysqlRepository: https://repo.mysql.com/apt/debian',
  'cloudstack.endpoint': 'endpoint: http://172.16.10.2:8080/client/api',
  'cloudstack.ca': 'ca: /etc/ssl/certs/cloud-ca.pem',
};

/** `management.ssh.port` and `hosts[1].ssh.port` read as `ssh.port`: the same field. */
function keyOf(path: FieldPath): string {
  const named = path.map((p) => (typeof p === 'number' ? '[]' : p));
  const dotted = named.join('.').replace(/\.\[\]/g, '[]');
  const sshAt = named.lastIndexOf('ssh');
  if (sshAt > 0) return ['ssh', ...named.slice(sshAt + 1)].join('.');
  if (EXAMPLES[dotted]) return dotted;
  return dotted.replace(/\[\](?=\.)/g, '');
}

/** The field at `path` written with the runbook's default, e.g. `hostname: kvm1`. */
export function exampleOf(path: FieldPath): string {
  const key = keyOf(path);
  if (key === 'ssh' && path.length > 1) return `ssh: ${SSH}`;
  return EXAMPLES[key] ?? EXAMPLES[String(path[0])] ?? 'name: demo';
}
