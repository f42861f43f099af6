// The Ansible export's files around the roles: inventory, ansible.cfg, the site's values, the
// connection settings, the host keys and the secrets. No path of the exporting machine: the
// host keys travel in the export (known_hosts), and every path is a variable whose default is
// relative to the export's folder or to the home of whoever runs the playbook.
import { homedir } from 'node:os';
import { relative, resolve, sep } from 'node:path';
import type { Plan } from '../plan/model.ts';
import { hostPattern } from '../transport/known-hosts.ts';
import { apiUrl, hostFqdn, machinesWith } from './shared.ts';
import { toYaml, unsafe } from './yaml-out.ts';

/** The recorded host keys of this site's machines (`runbook install` checks them on every connection). */
export function knownHostsFile(plan: Plan, recorded: string): string {
  const patterns = new Set(plan.machines.map((m) => hostPattern(m.ssh.host, m.ssh.port)));
  const lines = recorded.split('\n').filter((l) => {
    const hosts = l.trim().split(/\s+/)[0] ?? '';
    return !hosts.startsWith('#') && hosts.split(',').some((h) => patterns.has(h));
  });
  return [
    `# Host keys of the machines of site "${plan.siteName}", as \`runbook install\` recorded them.`,
    '# ssh checks every connection against them (group_vars/all/connection.yml); a machine not',
    '# listed here is refused until you add its key (connect once with ssh, or ssh-keyscan).',
    ...lines,
    '',
  ].join('\n');
}

/**
 * A key path another machine can use: under the export's folder → relative to it; under the
 * exporting user's home → `~/...` (ssh reads `~` as the home of whoever runs the playbook);
 * else as the site file names it.
 */
export function portableKeyPath(path: string, outDir: string): string {
  const inOut = relative(resolve(outDir), path);
  if (!inOut.startsWith('..') && !inOut.startsWith(sep)) return `{{ inventory_dir }}/${inOut}`;
  const inHome = relative(homedir(), path);
  if (!inHome.startsWith('..') && !inHome.startsWith(sep)) return `~/${inHome}`;
  return path;
}

/** `outDir`: the folder the export is written to (key paths inside it stay relative). */
export function inventory(plan: Plan, outDir: string): string {
  const common = plan.machines[0]?.ssh.identity;
  const hostVars = (name: string) => {
    const m = plan.machines.find((x) => x.name === name)!;
    const key =
      m.ssh.identity === undefined
        ? undefined
        : m.ssh.identity === common
          ? '{{ runbook_ssh_private_key_file }}'
          : portableKeyPath(m.ssh.identity, outDir);
    return {
      ansible_host: m.ssh.host,
      ansible_port: m.ssh.port,
      ansible_user: m.ssh.user,
      ...(key ? { ansible_ssh_private_key_file: key } : {}),
      ...(m.ssh.user !== 'root' ? { ansible_become: true } : {}),
      runbook_host_ip: m.address,
      runbook_host_fqdn: hostFqdn(plan, m),
      runbook_host_role: m.role,
    };
  };
  const hosts = (names: string[]) => Object.fromEntries(names.map((n) => [n, null]));
  const aio = machinesWith(plan, 'all-in-one').map((m) => m.name);
  const mgmt = [...aio, ...machinesWith(plan, 'management').map((m) => m.name)];
  const kvm = [...aio, ...machinesWith(plan, 'kvm').map((m) => m.name)];
  const children: Record<string, unknown> = {
    management: { hosts: hosts(mgmt) },
    kvm: { hosts: hosts(kvm) },
  };
  if (aio.length) children.all_in_one = { hosts: hosts(aio) };
  const doc = {
    all: {
      hosts: Object.fromEntries(plan.machines.map((m) => [m.name, hostVars(m.name)])),
      children,
    },
  };
  return toYaml(
    doc,
    ` Machines of site "${plan.siteName}". The all-in-one machine is in both management and kvm.`,
  );
}

export function connectionVars(plan: Plan, outDir: string): string {
  const key = plan.machines[0]?.ssh.identity;
  const doc = {
    runbook_known_hosts_file: '{{ inventory_dir }}/known_hosts',
    ...(key ? { runbook_ssh_private_key_file: portableKeyPath(key, outDir) } : {}),
    // The recorded keys, and the operator's own: keys ssh learns itself go to the operator's file.
    ansible_ssh_common_args: `-o 'UserKnownHostsFile=~/.ssh/known_hosts "{{ runbook_known_hosts_file }}"'`,
  };
  return toYaml(
    doc,
    [
      ' How Ansible reaches the machines. Change these when you run the playbook from another',
      ' machine: the private key ssh uses (a path, `~` for the home of whoever runs it; remove the',
      ' line to use ssh-agent), and the host keys it trusts (known_hosts in this folder).',
    ].join('\n'),
  );
}

export function ansibleCfg(plan: Plan): string {
  return [
    '# Settings for the CloudStack Runbook playbook (runbook export --format ansible).',
    '[defaults]',
    'inventory = inventory.yml',
    'roles_path = roles',
    `forks = ${Math.max(5, plan.machines.length)}`,
    'interpreter_python = auto_silent',
    'retry_files_enabled = False',
    '',
    '[ssh_connection]',
    '# One SSH round trip per task instead of several, as the installer keeps one connection.',
    'pipelining = True',
    '',
  ].join('\n');
}

export function groupVars(plan: Plan): string {
  const doc = {
    runbook_variables: Object.fromEntries(
      Object.entries({ DEBIAN_FRONTEND: 'noninteractive', ...plan.variables }).map(([k, v]) => [
        k,
        unsafe(v),
      ]),
    ),
    runbook_api_endpoint: unsafe(apiUrl(plan.apiEndpoint)),
    runbook_done_dir: '/var/lib/runbook-export/done',
    runbook_environment:
      "{{ runbook_variables | combine(runbook_captured | default({}), {'HOST_IP': runbook_host_ip, 'HOST_NAME': inventory_hostname, 'HOST_FQDN': runbook_host_fqdn, 'HOST_ROLE': runbook_host_role}) }}",
  };
  return toYaml(
    doc,
    ` The site's values, as every step sees them in its environment. Secrets are in secrets.yml.`,
  );
}

export function secretsYaml(plan: Plan, secrets: Record<string, string>): string {
  const doc = {
    runbook_secrets: Object.fromEntries(plan.secrets.map((n) => [n, unsafe(secrets[n] ?? '')])),
  };
  return toYaml(
    doc,
    ` Secrets of site "${plan.siteName}" (the same values the installer keeps in .runbook/state.json).`,
  );
}
