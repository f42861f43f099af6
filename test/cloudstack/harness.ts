// Shared by the cloudstack tests: the fixture zone chapter planned for a site, an in-memory
// credential store, and a loop that runs the plan's api steps in order like the executor.
import { loadRunbook } from '../../src/runbook/load.ts';
import { buildPlan } from '../../src/plan/build.ts';
import { siteSchema } from '../../src/site-file/schema.ts';
import type { Plan, PlannedStep } from '../../src/plan/model.ts';
import type { Cloud, Obj } from '../simulator/model.ts';
import type { ApiKeys } from '../../src/cloudstack/client.ts';
import type { CredentialStore } from '../../src/cloudstack/first-contact.ts';
import {
  runApiStep,
  type ApiStepContext,
  type ApiStepResult,
} from '../../src/cloudstack/api-step.ts';

export const FIXTURE_DIR = new URL('../fixtures/zone', import.meta.url).pathname;
export const ADMIN_PASSWORD = 'Gen3rated-Admin pass';

/** Fast polling so tests take seconds, not minutes. */
export const FAST: ApiStepContext['timing'] = {
  jobPoll: { initialMs: 20, maxMs: 60 },
  retry: { attempts: 3, initialMs: 20, maxMs: 60 },
  apiWaitInitialMs: 50,
  apiWaitMs: 20_000,
  lookupEveryMs: 20,
};

/**
 * The client in upstream's timing times `scale`, like a simulator started with the same
 * factor: request timeouts, lookups and progress all shrink together.
 */
export function scaledClient(scale: number): NonNullable<ApiStepContext['timing']> {
  return {
    ...FAST,
    timeScale: scale,
    lookupEveryMs: Math.max(5, Math.round(10_000 * scale)),
    progressEveryMs: Math.max(5, Math.round(5000 * scale)),
  };
}

const TWO_HOSTS = [
  { address: '172.16.10.3', hostname: 'kvm1' },
  { address: '172.16.10.4', hostname: 'kvm2' },
];

/** The runbook that ships (docs/src/content/docs), planned for a site with these KVM hosts. */
export function bundledPlan(hosts: { address: string; hostname: string }[] = TWO_HOSTS): Plan {
  return buildPlan(siteSchema.parse({ hosts }), loadRunbook().runbook, '/nonexistent/site.yaml');
}

export function fixturePlan(
  hosts: { address: string; hostname: string }[] = [
    { address: '172.16.10.3', hostname: 'kvm1' },
    { address: '172.16.10.4', hostname: 'kvm2' },
  ],
): Plan {
  const { runbook, problems } = loadRunbook(FIXTURE_DIR);
  if (problems.length) throw new Error(`fixture problems: ${JSON.stringify(problems)}`);
  return buildPlan(siteSchema.parse({ hosts }), runbook, '/nonexistent/site.yaml');
}

export class MemoryCredentials implements CredentialStore {
  keys?: ApiKeys;
  secrets: Record<string, string>;
  constructor(secrets: Record<string, string> = { ADMIN_PASSWORD }) {
    this.secrets = secrets;
  }
  apiKeys() {
    return this.keys;
  }
  saveApiKeys(keys: ApiKeys) {
    this.keys = keys;
  }
  secret(name: string) {
    return this.secrets[name];
  }
}

export interface RunOutcome {
  results: { id: string; result: ApiStepResult }[];
  captured: Record<string, string>;
  log: string[];
}

/** Run every api step of the plan in order, feeding captures forward as the executor does. */
export async function runApiSteps(
  plan: Plan,
  endpoint: string,
  credentials: CredentialStore,
  captured: Record<string, string> = {},
  only?: (s: PlannedStep) => boolean,
  extra: Pick<ApiStepContext, 'timing' | 'progress' | 'hostName'> = {},
): Promise<RunOutcome> {
  const log: string[] = [];
  const results: RunOutcome['results'] = [];
  const all = { ...captured };
  for (const step of plan.steps.filter((s) => s.on === 'api' && (!only || only(s)))) {
    const result = await runApiStep(step, {
      endpoint,
      credentials,
      variables: { ...plan.variables, ...(credentials as MemoryCredentials).secrets, ...all },
      log: (line) => log.push(line),
      timing: FAST,
      docsBaseUrl: 'https://runbook.example',
      ...extra,
    });
    results.push({ id: step.id, result });
    Object.assign(all, result.captured);
    if (result.status === 'failed' || result.status === 'blocked') break;
  }
  return { results, captured: all, log };
}

export function stepById(plan: Plan, id: string): PlannedStep {
  const step = plan.steps.find((s) => s.id === id);
  if (!step) throw new Error(`no step ${id}`);
  return step;
}

/** Poll a condition (the simulated cloud moves on its own clock). */
export async function eventually<T>(
  probe: () => Promise<T>,
  ok: (v: T) => boolean,
  ms = 15_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The Routing host at `address` once the simulator lists it (its agent called in after an
 * addHost), watched for every 5 ms: under load a call reaches the simulator late, so a fixed
 * sleep from the call may look too early, and the Connecting window is short.
 */
export async function hostListed(cloud: Cloud, address: string): Promise<Obj | undefined> {
  const d = cloud.delays;
  const deadline = Date.now() + 10 * (d.hostSetupMs + d.hostUpMs);
  const find = () => cloud.objects.host.find((h) => h.ipaddress === address);
  while (!find() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  return find();
}
