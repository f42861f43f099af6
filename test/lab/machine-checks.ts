// Independent looks at the lab machines after an install: each finished step's own `check` and
// `verify` run again over SSH, and a list of facts the issue names (services, MariaDB settings,
// NFS mountable from the KVM host, cloudbr0, libvirt) checked without the runbook's help.
import { hostVariables } from '../../src/executor/variables.ts';
import { sshRun } from '../../src/lab/ssh.ts';
import type { Machine, Plan } from '../../src/plan/model.ts';
import type { LabReport } from './report.ts';
import type { StepEnd } from './run-install.ts';

const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

async function onMachine(
  plan: Plan,
  machine: Machine,
  knownHosts: string,
  script: string,
): Promise<{ ok: boolean; output: string }> {
  const env = {
    DEBIAN_FRONTEND: 'noninteractive',
    ...plan.variables,
    ...hostVariables(plan, machine),
  };
  const command = `env ${Object.entries(env)
    .map(([k, v]) => `${k}=${quote(v)}`)
    .join(' ')} bash -euo pipefail -c ${quote(script)}`;
  const result = await sshRun(
    { host: machine.ssh.host, port: machine.ssh.port, identity: machine.ssh.identity!, knownHosts },
    command,
    180_000,
  );
  return { ok: result.exitCode === 0, output: `${result.stdout}\n${result.stderr}`.trim() };
}

/** Run every finished host step's `check` and `verify` on its machine, as the runbook states them. */
export async function rerunStepChecks(
  plan: Plan,
  ends: StepEnd[],
  knownHosts: string,
  report: LabReport,
  label: string,
): Promise<string[]> {
  const failures: string[] = [];
  for (const end of ends) {
    if (!['ok', 'changed', 'skipped'].includes(end.status)) continue;
    const step = plan.steps.find((s) => s.id === end.id);
    const machine = plan.machines.find((m) => m.name === end.host);
    if (!step || !machine) continue;
    for (const [what, script] of [
      ['check', step.check],
      ['verify', step.verify],
    ] as const) {
      if (!script) continue;
      if (plan.secrets.some((secret) => script.includes(secret))) {
        report.check(
          `${label}: ${end.id} on ${end.host}: ${what} uses a secret, left to the installer`,
          true,
        );
        continue;
      }
      const { ok, output } = await onMachine(plan, machine, knownHosts, script);
      report.check(
        `${label}: ${end.id} on ${end.host}: ${what} \`${script}\``,
        ok,
        ok ? undefined : output.slice(-300),
      );
      if (!ok) failures.push(`${end.id}@${end.host} (${what})`);
    }
  }
  return failures;
}

/**
 * What the lab adds to a KVM host's /etc/network/interfaces before the install (see
 * prepareMultiNic): a second card the bridge step must leave alone, and an option of the
 * interface's stanza that must move to cloudbr0 with the address.
 */
export const SECOND_NIC_STANZA = ['iface eth1 inet static', '    address 192.0.2.3/24'] as const;
export const MOVED_OPTION = 'dns-search lab.internal';

/** The shell that makes a lab KVM host's interfaces file a multi-card one (run before install). */
export const PREPARE_MULTI_NIC = `grep -Fxq '${SECOND_NIC_STANZA[0]}' /etc/network/interfaces || {
  sed -i '/^iface eth0 inet static$/a\\    ${MOVED_OPTION}' /etc/network/interfaces
  printf '\\n# A second card (not present in the lab) the bridge step must leave alone.\\n%s\\n%s\\n' '${SECOND_NIC_STANZA[0]}' '${SECOND_NIC_STANZA[1]}' >> /etc/network/interfaces
}
ifquery --list --allow=hotplug >/dev/null; cat /etc/network/interfaces`;

interface Fact {
  name: string;
  on: 'management' | 'kvm';
  script: string;
}

/** What the machines must be after the runbook's non-CloudStack steps, stated independently. */
export const FACTS: Fact[] = [
  {
    name: 'chrony, NFS server and MariaDB are active',
    on: 'management',
    script: 'systemctl is-active chrony nfs-server mariadb',
  },
  {
    name: "MariaDB runs with the runbook's settings",
    on: 'management',
    script: `got=$(mariadb -NBe 'select @@max_connections, @@innodb_rollback_on_timeout, @@innodb_lock_wait_timeout, @@binlog_format, @@bind_address' | tr '\\t' ' ')
echo "$got"; test "$got" = "350 1 600 ROW 127.0.0.1"`,
  },
  {
    name: 'MariaDB listens on loopback only',
    on: 'management',
    script: `listeners=$(ss -Hltn 'sport = :3306' | awk '{print $4}' | sort -u | tr '\\n' ' ')
echo "listening: $listeners"; test "$listeners" = "127.0.0.1:3306 "`,
  },
  {
    name: 'NFS: primary storage is exported to the KVM hosts only, secondary to them and the management server, neither to the whole network',
    on: 'management',
    script: `exports=$(exportfs -s); echo "$exports"
clients() { echo "$exports" | awk -v e="$1" '$1 == e {sub(/\\(.*/, "", $2); print $2}' | sort -u; }
test "$(clients "\${PRIMARY_EXPORT}" | tr '\\n' ' ')" = "$(printf '%s\\n' \${KVM_HOST_IPS} | sort -u | tr '\\n' ' ')"
for ip in \${KVM_HOST_IPS} "\${MGMT_IP}"; do clients "\${SECONDARY_EXPORT}" | grep -qx "$ip"; done
! exportfs -s | grep -Eq "[[:space:]](\\*|\${NETWORK_CIDR})\\("`,
  },
  {
    name: 'NFS: an address of the public range is refused; one of the pod range mounts secondary storage only',
    on: 'kvm',
    // A network namespace on cloudbr0 takes each address in turn and mounts from there, so the
    // NFS server sees a client it must refuse (or, for the pod range, accept for secondary only).
    // NFSv3, so that mountd decides from the export list and says "access denied" when it refuses.
    script: `ns=rb-nfs-probe
cleanup() { ip netns del $ns 2>/dev/null || true; ip link del rbprobe0 2>/dev/null || true; }
trap cleanup EXIT
cleanup
ip netns add $ns
ip link add rbprobe0 type veth peer name rbprobe1
ip link set rbprobe1 netns $ns
ip link set rbprobe0 master cloudbr0 up
ip -n $ns link set lo up
ip -n $ns link set rbprobe1 up
# Prints "mounted" or "refused"; anything else (a timeout, no route) fails the check.
attempt() {
  ip -n $ns addr flush dev rbprobe1
  ip -n $ns addr add "$1/\${PREFIX_LENGTH}" dev rbprobe1
  if ip netns exec $ns sh -c 'mnt=$(mktemp -d) && timeout 120 mount -t nfs -o vers=3,nolock,soft,timeo=30,retrans=2 "$1" "$mnt" && umount "$mnt"' sh "\${MGMT_IP}:$2" 2>/tmp/rb-nfs-probe.err; then
    echo mounted
  elif grep -q 'access denied' /tmp/rb-nfs-probe.err; then
    echo refused
  else
    echo "from $1, mounting $2 failed for another reason: $(cat /tmp/rb-nfs-probe.err)" >&2
    echo error
  fi
}
expect() {
  got=$(attempt "$1" "$2")
  echo "from $1: $2 $got (expected: $3)"
  test "$got" = "$3"
}
expect "\${POD_START}" "\${SECONDARY_EXPORT}" mounted
expect "\${POD_START}" "\${PRIMARY_EXPORT}" refused
expect "\${PUBLIC_START}" "\${PRIMARY_EXPORT}" refused
expect "\${PUBLIC_START}" "\${SECONDARY_EXPORT}" refused
expect "\${PUBLIC_END}" "\${SECONDARY_EXPORT}" refused`,
  },
  {
    name: 'chrony and libvirtd are active',
    on: 'kvm',
    script: 'systemctl is-active chrony libvirtd',
  },
  {
    name: 'cloudbr0 carries the host address, with the interface as its port',
    on: 'kvm',
    script: `ip -4 -o addr show dev cloudbr0 | grep -qw "\${HOST_IP}/\${PREFIX_LENGTH}"
test "$(basename "$(readlink /sys/class/net/\${INTERFACE}/master)")" = cloudbr0
! ip -4 -o addr show dev "\${INTERFACE}" | grep -q inet`,
  },
  {
    name: 'the bridge kept the rest of /etc/network/interfaces: source line, the second card, options moved to cloudbr0',
    on: 'kvm',
    script: `cat /etc/network/interfaces
grep -Fxq 'source /etc/network/interfaces.d/*' /etc/network/interfaces
grep -Fxq '${SECOND_NIC_STANZA[0]}' /etc/network/interfaces
grep -Fxq '${SECOND_NIC_STANZA[1]}' /etc/network/interfaces
awk '$1 == "iface" {inside = ($2 == "cloudbr0" && $3 == "inet")} inside' /etc/network/interfaces | grep -Eq '^[[:space:]]*${MOVED_OPTION}$'
grep -Eq "^iface \${INTERFACE} inet manual$" /etc/network/interfaces`,
  },
  {
    name: 'primary and secondary storage mount from the management server over NFS',
    on: 'kvm',
    script: `mnt=$(mktemp -d)
for e in "\${PRIMARY_EXPORT}" "\${SECONDARY_EXPORT}"; do
  mount -t nfs "\${MGMT_IP}:$e" "$mnt"; touch "$mnt/.lab-check"; rm "$mnt/.lab-check"; umount "$mnt"
done
rmdir "$mnt"`,
  },
  {
    name: 'libvirt answers on its socket, with no plain TCP listener',
    on: 'kvm',
    script: `test -S /run/libvirt/libvirt-sock
virsh -c qemu:///system version
grep -Eq '^listen_tcp *= *0' /etc/libvirt/libvirtd.conf
! ss -Hltn 'sport = :16509' | grep -q .`,
  },
  {
    name: 'KVM host prerequisites: /dev/kvm, qemu, libvirt, bridge-utils, NFS client',
    on: 'kvm',
    script:
      'test -c /dev/kvm && dpkg -s qemu-system-x86 qemu-utils libvirt-daemon-system libvirt-clients bridge-utils nfs-common >/dev/null',
  },
];

export async function checkFacts(
  plan: Plan,
  knownHosts: string,
  report: LabReport,
  label: string,
): Promise<string[]> {
  const failures: string[] = [];
  for (const fact of FACTS) {
    const machines = plan.machines.filter((m) => m.role === fact.on || m.role === 'all-in-one');
    for (const machine of machines) {
      const { ok, output } = await onMachine(plan, machine, knownHosts, fact.script);
      report.check(
        `${label}: ${machine.name}: ${fact.name}`,
        ok,
        ok ? undefined : output.slice(-400),
      );
      if (!ok) failures.push(`${machine.name}: ${fact.name}`);
    }
  }
  return failures;
}
