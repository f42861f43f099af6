// A cmk line as an ngine_io.cloudstack module call, through the table in api-table.ts. The
// runbook passes ids between steps (`zoneid=${ZONE_ID}`, captured from `create zone`); the
// modules find objects by name, so an id captured from a create becomes the name that create
// gave (`zone: ${ZONE_NAME}`). A line the table cannot map exactly says why, and goes
// through `cs` instead.
import type { Plan, PlannedStep } from '../plan/model.ts';
import type { ApiAction } from '../runbook/model.ts';
import { API_TABLE, type ApiEntry, type OptionSpec } from './api-table.ts';

/** A module option's value: runbook text (with `${NAME}`s), or a value fixed at export time. */
export type OptionValue = { text: string; filter?: 'bool' | 'lower' } | { fixed: string | boolean };

export interface ModuleCall {
  module: string;
  options: Record<string, OptionValue>;
  /** Captured names this call needs at run time (the when-condition in check mode). */
  needs: string[];
}

/** A reference that is exactly one `${NAME}`. */
function soleRef(value: string): string | undefined {
  return /^\$\{([A-Z][A-Z0-9_]*)\}$/.exec(value)?.[1];
}

interface Creator {
  step: PlannedStep;
  call: ApiAction;
  entry: ApiEntry;
}

/** The create whose answer's `id` a step captured as `name`. */
export function creatorOf(plan: Plan, name: string): Creator | undefined {
  const step = plan.steps.find((s) => s.on === 'api' && s.capture[name] === 'id');
  const call = step?.actions.filter((a): a is ApiAction => a.kind === 'api').at(-1);
  const entry = call ? API_TABLE[call.command] : undefined;
  return step && call && entry?.nameParam ? { step, call, entry } : undefined;
}

/** The names in `text` that earlier steps capture. */
export function capturedIn(plan: Plan, text: string): string[] {
  const captured = new Set(plan.steps.flatMap((s) => Object.keys(s.capture)));
  return [...text.matchAll(/\$\{([A-Z][A-Z0-9_]*)\}/g)]
    .map((m) => m[1]!)
    .filter((n) => captured.has(n));
}

function transform(spec: Exclude<OptionSpec, string>, value: string): OptionValue | undefined {
  const dynamic = /\$\{/.test(value);
  if (spec.bool)
    return dynamic ? { text: value, filter: 'bool' } : { fixed: value.toLowerCase() === 'true' };
  if (spec.map) {
    if (dynamic) return undefined;
    const key = spec.lower ? value.toLowerCase() : value;
    return { fixed: spec.map[key] ?? value };
  }
  if (spec.lower)
    return dynamic ? { text: value, filter: 'lower' } : { fixed: value.toLowerCase() };
  return { text: value };
}

type Mapped = { ok: ModuleCall } | { why: string };

/** The name (or, where the module takes it, the id) of the object whose id `value` holds. */
function objectName(plan: Plan, value: string, acceptsId: boolean): OptionValue | string {
  const ref = soleRef(value);
  const creator = ref ? creatorOf(plan, ref) : undefined;
  const name = creator?.call.params[creator.entry.nameParam!];
  if (name !== undefined) return { text: name };
  if (acceptsId) return { text: value };
  return `${value} is not the id of an object an earlier step created by name, and the module finds it by name only`;
}

/** The options of one line, or why the module cannot take it. */
export function moduleCall(plan: Plan, step: PlannedStep, call: ApiAction, last: boolean): Mapped {
  const entry = API_TABLE[call.command];
  const mapping = entry?.module;
  if (!mapping)
    return {
      why: entry?.noModule ?? `no module of ngine_io.cloudstack makes the ${call.command} call`,
    };
  if (last && Object.values(step.capture).some((path) => path !== 'id'))
    return {
      why: `the step captures ${Object.values(step.capture).join(', ')} from the answer, and the module returns the object's id only`,
    };
  const options: Record<string, OptionValue> = {};
  for (const [param, value] of Object.entries(call.params)) {
    if (param === 'id' && mapping.byId) continue;
    const spec = mapping.options[param];
    if (spec === undefined) return { why: `the module has no option for the parameter ${param}` };
    if (typeof spec === 'string') {
      options[spec] = { text: value };
      continue;
    }
    if (spec.nameOf) {
      const named = objectName(plan, value, spec.acceptsId === true);
      if (typeof named === 'string') return { why: named };
      options[spec.option] = named;
      continue;
    }
    const mapped = transform(spec, value);
    if (!mapped)
      return {
        why: `${param}=${value} is known only at run time, and the module wants one of ${Object.values(spec.map ?? {}).join(', ')}`,
      };
    options[spec.option] = mapped;
  }
  if (mapping.byId) {
    const ref = soleRef(call.params.id ?? '');
    const creator = ref ? creatorOf(plan, ref) : undefined;
    if (!creator)
      return {
        why: `id=${call.params.id ?? ''} is not an object an earlier step created, and the module finds it by name`,
      };
    const made = moduleCall(plan, creator.step, creator.call, false);
    if ('why' in made)
      return { why: `the create of ${call.params.id} itself goes through cs (${made.why})` };
    for (const option of mapping.byId)
      if (made.ok.options[option]) options[option] ??= made.ok.options[option]!;
  }
  if (mapping.zoneOf) {
    const ref = soleRef(call.params[mapping.zoneOf] ?? '');
    const creator = ref ? creatorOf(plan, ref) : undefined;
    const zoneid = creator?.call.params.zoneid;
    if (zoneid === undefined)
      return {
        why: `the module needs the zone, and ${mapping.zoneOf} does not name an object whose create gave one`,
      };
    const zone = objectName(plan, zoneid, true);
    if (typeof zone === 'string') return { why: zone };
    options.zone = zone;
  }
  for (const [option, value] of Object.entries(mapping.fixed ?? {}))
    options[option] = { fixed: value as string | boolean };
  // In check mode a line about an object an earlier step would create is skipped (the module
  // would fail to find it): the ids the line names say which objects those are.
  const needs = [...new Set(Object.values(call.params).flatMap((v) => capturedIn(plan, v)))];
  return { ok: { module: mapping.module, options, needs } };
}
