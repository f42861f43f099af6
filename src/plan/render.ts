// The plan for people (by chapter and host) and for programs (DESIGN.md section 5 JSON).
import { API_TIMING, describeDuration, requestTimeoutMs } from '../cloudstack/api-timing.ts';
import type { Action } from '../runbook/model.ts';
import { VARIABLE_REFERENCE } from '../runbook/variable-refs.ts';
import type { Plan, PlannedStep } from './model.ts';


/**
 * What a reader of the plan should see: site values filled in, secrets as `<secret>`, every
 * other name (per-host, captured) as written. One pass, like the executor's.
 */
export function forDisplay(text: string, plan: Pick<Plan, 'variables' | 'secrets'>): string {
  return text.replace(VARIABLE_REFERENCE, (whole, name: string) =>
    plan.secrets.includes(name) ? '<secret>' : (plan.variables[name] ?? whole),
  );
}

type JsonAction =
  | { kind: 'sh'; script: string }
  | { kind: 'file'; path: string; content: string; mode?: string; owner?: string }
  | {
      kind: 'api';
      command: string;
      params: Record<string, string>;
      /** Extension: how long the installer waits for CloudStack's answer to this call. */
      timeoutSeconds: number;
    };

function jsonAction(action: Action, plan: Plan): JsonAction {
  switch (action.kind) {
    case 'sh':
      return { kind: 'sh', script: action.script };
    case 'file':
      return {
        kind: 'file',
        path: action.path,
        content: forDisplay(action.content, plan),
        ...(action.mode ? { mode: action.mode } : {}),
        ...(action.owner ? { owner: action.owner } : {}),
      };
    case 'api':
      return {
        kind: 'api',
        command: action.command,
        params: Object.fromEntries(Object.entries(action.params).map(([k, v]) => [k, forDisplay(v, plan)])),
        timeoutSeconds: requestTimeoutMs(action.command) / 1000,
      };
  }
}

export function planJson(plan: Plan) {
  return {
    site: plan.siteName,
    machines: plan.machines.map((m) => ({ name: m.name, address: m.address, role: m.role })),
    variables: plan.variables,
    secrets: plan.secrets,
    steps: plan.steps.map((s) => ({
      id: s.id,
      title: s.title,
      on: s.on,
      hosts: s.hosts,
      chapter: s.chapter,
      url: s.url,
      source: s.source,
      ...(s.check ? { check: s.check } : {}),
      ...(s.verify ? { verify: s.verify } : {}),
      ...(s.requires.length ? { requires: s.requires } : {}),
      ...(s.needs.length ? { needs: s.needs } : {}),
      actions: s.actions.map((a) => jsonAction(a, plan)),
    })),
  };
}

function describeAction(action: Action): string {
  switch (action.kind) {
    case 'sh': {
      const lines = action.script.trimEnd().split('\n');
      return `sh: ${lines[0]}${lines.length > 1 ? ` (+${lines.length - 1} lines)` : ''}`;
    }
    case 'file':
      return `file: ${action.path}${action.mode ? ` mode ${action.mode}` : ''}`;
    case 'api': {
      const long = API_TIMING[action.command];
      return `api: ${action.command}${long ? ` (waits up to ${describeDuration(long.requestTimeoutMs)}: ${long.why})` : ''}`;
    }
  }
}

/** `  [addHost waits up to 15 min]`: the calls of a step CloudStack works on for minutes. */
function longWaitNote(step: PlannedStep): string {
  const apis = [
    ...new Set(
      step.actions.flatMap((a) => (a.kind === 'api' && API_TIMING[a.command] ? [a.command] : [])),
    ),
  ];
  return apis.length
    ? `  [${apis.map((api) => `${api} waits up to ${describeDuration(API_TIMING[api]!.requestTimeoutMs)}`).join(', ')}]`
    : '';
}

/** `title` lets the CLI show step titles in the reader's language. */
export function planText(plan: Plan, verbose = false, title: (step: PlannedStep) => string = (s) => s.title): string {
  const out: string[] = [];
  const kind = plan.machines.length === 1 ? 'all-in-one' : `management + ${plan.machines.length - 1} KVM host${plan.machines.length === 2 ? '' : 's'}`;
  out.push(`Plan for site "${plan.siteName}" (${kind})`);
  for (const m of plan.machines) out.push(`  ${m.name.padEnd(20)} ${m.address.padEnd(16)} ${m.role}`);
  let chapter = '';
  let chapterNo = 0;
  for (const step of plan.steps) {
    if (step.chapter !== chapter) {
      chapter = step.chapter;
      chapterNo++;
      out.push('', `${chapterNo}. ${chapter} (${step.source.file})`);
    }
    out.push(
      `   ${step.id.padEnd(32)} ${title(step)}  → ${step.hosts.join(', ')}${longWaitNote(step)}`,
    );
    if (verbose) for (const a of step.actions) out.push(`       ${describeAction(a)}`);
  }
  out.push('', 'Steps per machine:');
  const counts = new Map<string, number>();
  for (const step of plan.steps) for (const h of step.hosts) counts.set(h, (counts.get(h) ?? 0) + 1);
  for (const [host, n] of counts) out.push(`  ${host.padEnd(20)} ${n}`);
  return out.join('\n');
}

export function stepsOn(plan: Plan, host: string): PlannedStep[] {
  return plan.steps.filter((s) => s.hosts.includes(host));
}
