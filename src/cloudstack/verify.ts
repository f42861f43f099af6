// `runbook verify`: is the cloud the runbook built actually working? Zone enabled, hosts Up,
// primary storage Up, secondary storage present, both system VMs Running with agents Up.
// Each failed check names what to look at.
import type { CloudStackClient } from './client.ts';
import { isObject, type Json, type JsonObject } from './response.ts';

export interface VerifyCheck {
  check: string;
  /** The table's first column: the kind of object, short so a row fits an 80-column terminal. */
  what: string;
  object: string;
  state: string;
  ok: boolean;
  /** What to look at when not ok. */
  hint?: string;
}

export interface VerifyReport {
  ok: boolean;
  simulated: boolean;
  checks: VerifyCheck[];
}

const items = (v: Json): JsonObject[] => (Array.isArray(v) ? v.filter(isObject) : []);
const s = (v: Json | undefined) => (v === undefined || v === null ? '' : String(v));

const SYSTEM_VMS = [
  { type: 'secondarystoragevm', label: 'secondary storage VM' },
  { type: 'consoleproxy', label: 'console proxy VM' },
] as const;

export async function verifyCloud(
  client: CloudStackClient,
  opts: { zoneName?: string } = {},
): Promise<VerifyReport> {
  const checks: VerifyCheck[] = [];
  const zones = items(await client.call('listZones', opts.zoneName ? { name: opts.zoneName } : {}));
  if (zones.length === 0) {
    checks.push({
      check: 'zone',
      what: 'zone',
      object: opts.zoneName ?? '(any)',
      state: 'missing',
      ok: false,
      hint: 'no zone exists: run the zone chapter (runbook install --from <first zone step>)',
    });
  }
  for (const zone of zones) {
    const zoneId = s(zone.id);
    const zoneName = s(zone.name);
    const enabled = s(zone.allocationstate) === 'Enabled';
    checks.push({
      check: 'zone enabled',
      what: 'zone',
      object: zoneName,
      state: s(zone.allocationstate),
      ok: enabled,
      hint: enabled
        ? undefined
        : `enable it: runbook api updateZone id=${zoneId} allocationstate=Enabled`,
    });

    const hosts = items(await client.call('listHosts', { zoneid: zoneId, type: 'Routing' }));
    if (hosts.length === 0)
      checks.push({
        check: 'host Up',
        what: 'KVM host',
        object: `no KVM host in ${zoneName}`,
        state: 'missing',
        ok: false,
        hint: "add the KVM hosts (the zone chapter's host step)",
      });
    for (const host of hosts) {
      const up = s(host.state) === 'Up';
      checks.push({
        check: 'host Up',
        what: 'KVM host',
        object: `${s(host.name)} (${s(host.ipaddress)})`,
        state: s(host.state),
        ok: up,
        hint: up
          ? undefined
          : `on ${s(host.ipaddress)}: systemctl status cloudstack-agent libvirtd; /var/log/cloudstack/agent/agent.log; can it reach the management server on port 8250?`,
      });
    }

    const pools = items(await client.call('listStoragePools', { zoneid: zoneId }));
    if (pools.length === 0)
      checks.push({
        check: 'primary storage Up',
        what: 'primary storage',
        object: `none in ${zoneName}`,
        state: 'missing',
        ok: false,
        hint: 'add primary storage (createStoragePool)',
      });
    for (const pool of pools) {
      const up = s(pool.state) === 'Up';
      checks.push({
        check: 'primary storage Up',
        what: 'primary storage',
        object: `${s(pool.name)} (${s(pool.ipaddress)}:${s(pool.path)})`,
        state: s(pool.state),
        ok: up,
        hint: up
          ? undefined
          : 'is the NFS export reachable and mountable from every KVM host (showmount -e, mount -t nfs)?',
      });
    }

    const stores = items(await client.call('listImageStores', { zoneid: zoneId }));
    checks.push(
      stores.length > 0
        ? {
            check: 'secondary storage',
            what: 'secondary storage',
            object: stores.map((x) => s(x.url ?? x.name)).join(', '),
            state: 'present',
            ok: true,
          }
        : {
            check: 'secondary storage',
            what: 'secondary storage',
            object: `none in ${zoneName}`,
            state: 'missing',
            ok: false,
            hint: 'add secondary storage (addImageStore provider=NFS url=nfs://...)',
          },
    );

    const vms = items(await client.call('listSystemVms', { zoneid: zoneId }));
    const agents = items(await client.call('listHosts', { zoneid: zoneId }));
    for (const { type, label } of SYSTEM_VMS) {
      const found = vms.filter((v) => s(v.systemvmtype) === type);
      if (found.length === 0) {
        checks.push({
          check: `${label} Running`,
          what: label,
          object: `none yet in ${zoneName}`,
          state: 'missing',
          ok: false,
          hint: 'system VMs start once the zone is enabled with primary and secondary storage and a host Up; is the systemvm template seeded into secondary storage? see /var/log/cloudstack/management/management-server.log',
        });
        continue;
      }
      for (const vm of found) {
        const running = s(vm.state) === 'Running';
        const agentState =
          s(vm.agentstate) || s(agents.find((h) => h.name === vm.name)?.state) || 'unknown';
        const agentUp = agentState === 'Up';
        checks.push({
          check: `${label} Running`,
          what: label,
          object: s(vm.name),
          state: s(vm.state),
          ok: running,
          hint: running
            ? undefined
            : 'look at /var/log/cloudstack/management/management-server.log for why it does not start (template, storage, public IPs)',
        });
        checks.push({
          check: `${label} agent Up`,
          what: '  its agent',
          object: s(vm.name),
          state: agentState,
          ok: agentUp,
          hint: agentUp
            ? undefined
            : `the agent in ${s(vm.name)} has not connected: can the VM reach the management server on port 8250? (its console, /var/log/cloud.log inside it)`,
        });
      }
    }
  }
  return { ok: checks.every((c) => c.ok), simulated: client.simulated, checks };
}

/** The report as a text table, problems and hints underneath. */
export function formatReport(report: VerifyReport): string {
  const rows = [
    ['WHAT', 'NAME', 'STATE', 'RESULT'],
    ...report.checks.map((c) => [c.what, c.object, c.state, c.ok ? 'ok' : 'NOT OK']),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
  const bad = report.checks.filter((c) => !c.ok);
  if (report.simulated)
    lines.unshift(
      '[simulated] these answers come from the CloudStack API simulator, not a real CloudStack',
    );
  lines.push('');
  if (bad.length === 0) lines.push('all checks passed');
  else {
    lines.push(`${bad.length} check${bad.length === 1 ? '' : 's'} not ok:`);
    for (const c of bad) {
      const what = c.state === 'missing' ? c.object : `${c.object} is ${c.state}`;
      lines.push(`- ${c.check}: ${what}${c.hint ? `; ${c.hint}` : ''}`);
    }
  }
  return lines.join('\n') + '\n';
}
