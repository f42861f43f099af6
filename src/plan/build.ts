// site × runbook → plan: which machines each step runs on. Actions stay the page's templates:
// `${VAR}` is filled exactly once, at run time, by the executor (one pass, so a value that itself
// holds `${...}` reaches the machine literally and can never pull in a secret).
import { dirname, resolve } from 'node:path';
import type { Site, SiteMachine } from '../site-file/schema.ts';
import { expandHome } from '../site-file/paths.ts';
import { SECRET_VARIABLES, apiEndpoint, siteVariables } from '../site-file/variables.ts';
import { allSteps, type Action, type Runbook, type Step } from '../runbook/model.ts';
import { substitute } from '../runbook/variable-refs.ts';
import { API_HOST, DEFAULT_STEP_TIMEOUT_SECONDS, type Machine, type MachineRole, type Plan, type PlannedStep } from './model.ts';


export function machinesOf(site: Site, siteFile: string): Machine[] {
  const base = dirname(resolve(siteFile));
  const machine = (m: SiteMachine, role: MachineRole): Machine => {
    const identity = m.ssh?.identity ?? site.ssh.identity;
    return {
      name: m.hostname,
      address: m.address,
      role,
      ssh: {
        host: m.ssh?.host ?? m.address,
        port: m.ssh?.port ?? site.ssh.port,
        user: m.ssh?.user ?? site.ssh.user,
        ...(identity ? { identity: expandHome(identity, base) } : {}),
        ...(site.ssh.password ? { password: true } : {}),
      },
    };
  };
  if (site.hosts.length === 0) return [machine(site.management, 'all-in-one')];
  return [machine(site.management, 'management'), ...site.hosts.map((h) => machine(h, 'kvm'))];
}

function hostsFor(step: Step, machines: Machine[]): string[] {
  switch (step.on) {
    case 'management':
      return machines.filter((m) => m.role !== 'kvm').map((m) => m.name);
    case 'kvm':
      return machines.filter((m) => m.role !== 'management').map((m) => m.name);
    case 'all':
      return machines.map((m) => m.name);
    case 'api':
      return [API_HOST];
  }
}

const HOST_VARIABLE = /\$\{HOST_(IP|NAME|FQDN|ROLE)\}/;

function hostValues(machine: Machine, domain: string): Record<string, string> {
  return { HOST_IP: machine.address, HOST_NAME: machine.name, HOST_FQDN: `${machine.name}.${domain}`, HOST_ROLE: machine.role };
}

/**
 * An api line that names a host variable (`add host url=http://${HOST_IP}`) is about each KVM
 * host: it becomes one call per host, with only the host's (validated) address and names filled.
 */
function expandPerHost(action: Action, domain: string, kvmHosts: Machine[]): Action[] {
  if (action.kind !== 'api' || !Object.values(action.params).some((v) => HOST_VARIABLE.test(v))) return [action];
  return kvmHosts.map((machine) => {
    const host = hostValues(machine, domain);
    return { ...action, params: Object.fromEntries(Object.entries(action.params).map(([k, v]) => [k, substitute(v, host)])) };
  });
}

export function buildPlan(site: Site, runbook: Runbook, siteFile: string): Plan {
  const machines = machinesOf(site, siteFile);
  const variables = siteVariables(site);
  const kvmHosts = machines.filter((m) => m.role !== 'management');
  const steps: PlannedStep[] = allSteps(runbook).map((step) => ({
    id: step.id,
    title: step.title,
    on: step.on,
    hosts: hostsFor(step, machines),
    chapter: step.chapter,
    source: step.source,
    url: step.url,
    ...(step.check !== undefined ? { check: step.check } : {}),
    ...(step.verify !== undefined ? { verify: step.verify } : {}),
    capture: step.capture,
    timeout: step.timeout ?? DEFAULT_STEP_TIMEOUT_SECONDS,
    retries: step.retries ?? 0,
    requires: step.requires,
    needs: step.needs,
    actions: step.actions.flatMap((a) => expandPerHost(a, variables.DOMAIN ?? '', kvmHosts)),
  }));
  return {
    siteName: site.name,
    siteFile: resolve(siteFile),
    runbookDir: runbook.dir,
    machines,
    variables,
    secrets: Object.keys(SECRET_VARIABLES),
    steps,
    apiEndpoint: apiEndpoint(site),
  };
}
