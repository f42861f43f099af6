// The commented site file `runbook init` writes: the runbook's defaults, each field explained.

export function siteTemplate(options: { allInOne: boolean; name?: string }): string {
  const hosts = options.allInOne
    ? `hosts: []                    # no separate KVM hosts: the management server is also the KVM host (all-in-one)`
    : `hosts:                       # KVM hosts; an empty list means all-in-one
  - { address: 172.16.10.3, hostname: kvm1 }
  # - { address: 172.16.10.4, hostname: kvm2 }`;
  return `# CloudStack Runbook site file: the few things the runbook leaves open.
# Check it with \`runbook check\`; see what would run with \`runbook plan\`.
name: ${options.name ?? 'demo'}

network:
  interface: eth0              # the interface that carries each machine's address today
  cidr: 172.16.10.0/24         # a /24 without DHCP, reserved for the cloud
  gateway: 172.16.10.1
  dns: [8.8.8.8, 8.8.4.4]      # DNS servers the machines and system VMs use
  domain: cloud.internal       # host names become <hostname>.cloud.internal

management:                    # the CloudStack management server (also database and NFS server)
  address: 172.16.10.2
  hostname: cloudstack-mgmt

${hosts}

ssh:                           # how the installer logs in to every machine
  user: root                   # another user needs passwordless sudo
  identity: ~/.ssh/id_ed25519  # private key; without it, ssh-agent is used
# Any machine may carry its own ssh: { host, port, user, identity } when the installer
# reaches it another way than its cloud address (jump host, port forward, the local lab).

zone:
  name: Zone1
  public: 172.16.10.11-172.16.10.20   # public addresses for system VMs and virtual routers
  pod: 172.16.10.21-172.16.10.30      # management addresses for system VMs
  guestVlans: 100-200                 # VLAN ids for guest networks

cloudstack:
  version: "4.22"
  repository: https://download.cloudstack.org/debian   # or a mirror of it
  mysqlRepository: https://repo.mysql.com/apt/debian   # the Python MySQL connector (see the management server chapter)
`;
}
