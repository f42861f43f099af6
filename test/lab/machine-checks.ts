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

interface Fact {
  name: string;
  on: 'management' | 'kvm';
  script: string;
}

/** What the machines must be after the runbook's non-CloudStack steps, stated independently. */
const FACTS: Fact[] = [
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
    name: "NFS exports go to the cloud's network only",
    on: 'management',
    script: `exports=$(exportfs -s); echo "$exports"
for e in "\${PRIMARY_EXPORT}" "\${SECONDARY_EXPORT}"; do
  clients=$(echo "$exports" | awk -v e="$e" '$1 == e {sub(/\\(.*/, "", $2); print $2}' | sort -u | tr '\\n' ' ')
  test "$clients" = "\${NETWORK_CIDR} "
done`,
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
