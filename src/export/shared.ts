// What both exporters need to know about a plan: which steps a role runs, which `${NAME}`s
// are still open after the plan filled in the site's values (host values, secrets, api
// captures), and a fingerprint of each step so a re-run can tell "done" from "changed".
import { createHash } from 'node:crypto';
import type { Machine, MachineRole, Plan, PlannedStep } from '../plan/model.ts';
import { HOST_VARIABLES } from '../site-file/variables.ts';
import { VARIABLE_REFERENCE } from '../runbook/variable-refs.ts';

export const EXPORT_FORMATS = ['bash', 'ansible'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** One file of an export, relative to the out folder. */
export interface ExportFile {
  path: string;
  content: string;
  mode: number;
  /** The content before encryption (ansible-vault): what a kept file is compared with. */
  plain?: string;
}

/** Does a machine of `role` run `step`? (`kvm` steps run on the all-in-one machine too.) */
export function roleRuns(role: MachineRole, step: PlannedStep): boolean {
  switch (step.on) {
    case 'all':
      return true;
    case 'management':
      return role !== 'kvm';
    case 'kvm':
      return role !== 'management';
    case 'api':
      return false;
  }
}

/** The roles present in the plan, in a stable order (management first). */
export function rolesOf(plan: Plan): MachineRole[] {
  const order: MachineRole[] = ['all-in-one', 'management', 'kvm'];
  return order.filter((r) => plan.machines.some((m) => m.role === r));
}

export function machinesWith(plan: Plan, role: MachineRole): Machine[] {
  return plan.machines.filter((m) => m.role === role);
}

/** Variables that api steps capture (`capture="ZONE_ID=id"`): known only at run time. */
export function capturedNames(plan: Plan): string[] {
  return [...new Set(plan.steps.flatMap((s) => Object.keys(s.capture)))];
}

/**
 * The `${NAME}`s in a text that stay open after planning and that the run fills in: host
 * values, secrets and captures. Anything else is left as written, as the installer does.
 */
export function runtimeNames(text: string, plan: Plan): string[] {
  const runtime = new Set([
    ...Object.keys(HOST_VARIABLES),
    ...plan.secrets,
    ...capturedNames(plan),
  ]);
  const found = new Set<string>();
  for (const m of text.matchAll(VARIABLE_REFERENCE))
    if (runtime.has(m[1]!) || m[1]! in plan.variables) found.add(m[1]!);
  return [...found];
}

/** Secret names a step mentions anywhere (check, verify, scripts, files, api params). */
export function secretsMentioned(step: PlannedStep, plan: Plan): string[] {
  const text = stepText(step);
  return plan.secrets.filter((name) => new RegExp(`\\$\\{?${name}\\b`).test(text));
}

/** Every piece of text a step runs or writes, for scanning. */
export function stepText(step: PlannedStep): string {
  const parts = [step.check ?? '', step.verify ?? ''];
  for (const a of step.actions) {
    if (a.kind === 'sh') parts.push(a.script);
    else if (a.kind === 'file') parts.push(a.path, a.content);
    else parts.push(...Object.values(a.params));
  }
  return parts.join('\n');
}

/**
 * Steps with no check of their own are guarded by a done marker holding this fingerprint:
 * the step's text and the site values it reads. A changed site or step runs it again, as the
 * installer's journal would.
 */
export function stepFingerprint(step: PlannedStep, plan: Plan): string {
  const body = {
    check: step.check ?? null,
    verify: step.verify ?? null,
    actions: step.actions.map(({ source: _source, ...rest }) => rest),
  };
  const text = JSON.stringify(body);
  const values: Record<string, string> = {};
  for (const m of text.matchAll(/\$\{?([A-Z][A-Z0-9_]*)/g))
    if (m[1]! in plan.variables) values[m[1]!] = plan.variables[m[1]!]!;
  return createHash('sha256').update(JSON.stringify({ body, values })).digest('hex').slice(0, 32);
}

/** Host steps that need a done marker: no check, and something that would run again. */
export function needsDoneMarker(step: PlannedStep): boolean {
  return step.check === undefined && step.actions.some((a) => a.kind === 'sh');
}

/** A heredoc delimiter that no line of `text` equals. */
export function heredocDelimiter(text: string, base: string): string {
  const lines = new Set(text.split('\n'));
  let name = base;
  for (let i = 2; lines.has(name); i++) name = `${base}_${i}`;
  return name;
}

/** Single-quote for bash (any bytes, newlines included). */
export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9_./:=@%+,-]+$/.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** Prose as comment lines: `# ` before each, wrapped at blank lines only. */
export function commentLines(text: string, prefix = '# '): string[] {
  return text
    .trim()
    .split('\n')
    .map((l) => `${prefix}${l}`.trimEnd());
}

export const HOST_ENV_NAMES = Object.keys(HOST_VARIABLES);

/** HOST_FQDN as the executor computes it. */
export function hostFqdn(plan: Plan, machine: Machine): string {
  const domain = plan.variables.DOMAIN;
  return domain && !machine.name.includes('.') ? `${machine.name}.${domain}` : machine.name;
}

/** `http://host:8080/client/api`: the endpoint as the installer's client completes it. */
export function apiUrl(endpoint: string): string {
  return endpoint.includes('/client/api') ? endpoint : `${endpoint.replace(/\/+$/, '')}/client/api`;
}
