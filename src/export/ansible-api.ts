// The api steps of the Ansible export: each cmk line becomes the ngine_io.cloudstack module the
// table in api-table.ts names, or a `cs` command (python3-cs) guarded by its lookup; reads run
// in check mode too and never report a change. Everything runs once, on the control machine
// (`delegate_to: localhost`), as the installer's own client does. The API keys come from the
// cloudstack_api role (ansible-first-contact.ts), which each chapter with api steps imports.
import type { Plan, PlannedStep } from '../plan/model.ts';
import type { ApiAction } from '../runbook/model.ts';
import { isReadOnly } from '../cloudstack/api-timing.ts';
import { API_TABLE, type Lookup } from './api-table.ts';
import { capturedIn, moduleCall, type ModuleCall, type OptionValue } from './api-modules.ts';
import { apiVars, jinjaExpr, jinjaString, jinjaValue, runtimeRefs } from './jinja.ts';

type Task = Record<string, unknown>;

/** What one exported api step used, for the README's count and mapping. */
export interface ApiTaskUse {
  step: string;
  line: string;
  how: string;
  why?: string;
}

const ANSWER = 'runbook_api_answer';
const LOOKUP = 'runbook_api_lookup';

/** The answer of a `cs` task as data (cs prints nothing for an empty list). */
const answerOf = (reg: string) => `((${reg}.stdout | default('', true)) or '{}') | from_json`;
/** The answer without its envelope: the object, or the list of a list answer. */
const unwrapped = (reg: string) =>
  `(${answerOf(reg)} | dict2items | rejectattr('key', 'equalto', 'count') | map(attribute='value') | first | default(None))`;
const itemsOf = (reg: string, key: string) => `((${answerOf(reg)}).${key} | default([]))`;

/** A capture path (`id`, `[0].id`, `host[0].name`) as Jinja on `base`. */
export function pathExpr(base: string, path: string, answersList = false): string {
  const tokens = path.match(/[^.[\]]+|\[\d+\]/g) ?? [];
  let out = `(${base})`;
  tokens.forEach((token, i) => {
    if (token.startsWith('[')) out += token;
    else out += `${i === 0 && answersList ? '[0]' : ''}[${jinjaString(token)}]`;
  });
  return out;
}

/** `cs API k=v ...` through python3-cs, the values filled in at run time. */
function csArgv(plan: Plan, api: string, params: Record<string, string | undefined>): string[] {
  const vars = apiVars(plan);
  const words = Object.entries(params)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => jinjaValue(`${k}=${v}`, vars));
  return ['{{ ansible_playbook_python }}', '-m', 'cs', api, ...words];
}

function csTask(
  name: string,
  plan: Plan,
  api: string,
  params: Record<string, string | undefined>,
  register: string,
): Task {
  const secret = Object.values(params).some(
    (v) => v !== undefined && plan.secrets.some((s) => v.includes(`\${${s}}`)),
  );
  return {
    name,
    'ansible.builtin.command': { argv: csArgv(plan, api, params) },
    register,
    ...(secret ? { no_log: true } : {}),
  };
}

/** Jinja: a field of an object equals a runbook value, as the installer compares (case and spaces aside). */
function sameField(obj: string, field: string, value: string, plan: Plan): string {
  const norm = (e: string) => `(${e} | string | lower | regex_replace('\\\\s+', ''))`;
  return `${norm(`${obj}[${jinjaString(field)}] | default('')`)} == ${norm(jinjaExpr(value, apiVars(plan)))}`;
}

/** Jinja: the items of the lookup's answer that are the object the call would make. */
function matching(lookup: Lookup, call: ApiAction, plan: Plan): string {
  let expr = itemsOf(LOOKUP, lookup.key);
  for (const [field, value] of Object.entries(lookup.match(call.params))) {
    const pattern = `'(?i)^' ~ (${jinjaExpr(value, apiVars(plan))} | regex_escape) ~ '$'`;
    expr = `(${expr} | selectattr(${jinjaString(field)}, 'defined') | selectattr(${jinjaString(field)}, 'match', ${pattern}) | list)`;
  }
  return expr;
}

/** Jinja: the call has nothing to do (exists: found; state: every field already as wanted). */
function satisfied(lookup: Lookup, call: ApiAction, plan: Plan): string {
  const found = matching(lookup, call, plan);
  if (lookup.kind === 'exists') return `(${found} | length > 0)`;
  const fields = Object.entries(lookup.fields!(call.params));
  return `(${found} | length > 0 and ${fields.map(([f, v]) => sameField(`(${found} | first)`, f, v, plan)).join(' and ') || 'true'})`;
}

function optionValue(value: OptionValue, plan: Plan): unknown {
  if ('fixed' in value) return value.fixed;
  const refs = runtimeRefs(value.text, apiVars(plan));
  if (!value.filter) return jinjaValue(value.text, apiVars(plan));
  return refs.length
    ? `{{ ${jinjaExpr(value.text, apiVars(plan))} | ${value.filter} }}`
    : value.text;
}

function moduleTask(name: string, call: ModuleCall, plan: Plan, timeout: number): Task {
  const options = Object.fromEntries(
    Object.entries(call.options).map(([k, v]) => [k, optionValue(v, plan)]),
  );
  const secret = Object.values(call.options).some(
    (o) => 'text' in o && plan.secrets.some((s) => o.text.includes(`\${${s}}`)),
  );
  return {
    name,
    [call.module]: { ...options, api_timeout: timeout },
    register: ANSWER,
    ...(secret ? { no_log: true } : {}),
  };
}

/** The step's captures, from the last call's answer. */
function captureTask(step: PlannedStep, from: (path: string) => string): Task {
  const values = Object.entries(step.capture).map(
    ([name, path]) => `${jinjaString(name)}: ${from(path)} | string`,
  );
  return {
    name: `${step.title}: keep ${Object.keys(step.capture).join(', ')}`,
    'ansible.builtin.set_fact': {
      runbook_captured: `{{ runbook_captured | default({}) | combine({${values.join(', ')}}) }}`,
    },
  };
}

/** The tasks of one api step, and how each line was mapped. */
export function apiStepTasks(step: PlannedStep, plan: Plan): { tasks: Task[]; uses: ApiTaskUse[] } {
  const calls = step.actions.filter((a): a is ApiAction => a.kind === 'api');
  const uses: ApiTaskUse[] = [];
  const tasks: Task[] = [];
  if (calls[0]?.command === 'login') {
    // First contact is the cloudstack_api role's work; this step only keeps what it captures.
    uses.push({
      step: step.id,
      line: calls[0].text,
      how: 'ansible.builtin.uri (the cloudstack_api role)',
    });
    if (Object.keys(step.capture).length)
      tasks.push(captureTask(step, (p) => pathExpr('runbook_api_admin', p)));
    return { tasks, uses };
  }
  let capture: ((path: string) => string) | undefined;
  calls.forEach((call, i) => {
    const label = calls.length > 1 ? `${step.title} (${i + 1} of ${calls.length})` : step.title;
    const last = i === calls.length - 1;
    const entry = API_TABLE[call.command];
    const head = { __comment: ` cmk: ${call.text}` };
    if (isReadOnly(call.command)) {
      tasks.push({
        ...head,
        ...csTask(label, plan, call.command, call.params, ANSWER),
        changed_when: false,
        check_mode: false,
      });
      uses.push({ step: step.id, line: call.text, how: 'cs (a read)' });
      capture = (p) => pathExpr(unwrapped(ANSWER), p);
      return;
    }
    const mapped = moduleCall(plan, step, call, last);
    if ('ok' in mapped) {
      tasks.push({ ...head, ...moduleTask(label, mapped.ok, plan, step.timeout) });
      uses.push({ step: step.id, line: call.text, how: mapped.ok.module });
      capture = (p) => pathExpr(ANSWER, p);
      return;
    }
    uses.push({
      step: step.id,
      line: call.text,
      how: entry?.lookup ? 'cs, guarded by a lookup' : 'cs, as written',
      why: mapped.why,
    });
    const lookup = entry?.lookup;
    if (!lookup) {
      tasks.push({
        ...head,
        ...csTask(label, plan, call.command, call.params, ANSWER),
        changed_when: true,
      });
      capture = (p) => pathExpr(unwrapped(ANSWER), p, entry?.answersList);
      return;
    }
    const done = satisfied(lookup, call, plan);
    tasks.push({
      ...head,
      ...csTask(
        `${label}: look it up (${lookup.list})`,
        plan,
        lookup.list,
        lookup.params(call.params),
        LOOKUP,
      ),
      changed_when: `ansible_check_mode and not ${done}`,
      check_mode: false,
    });
    tasks.push({
      ...csTask(label, plan, call.command, call.params, ANSWER),
      when: `not ${done}`,
      changed_when: true,
    });
    const found = `(${matching(lookup, call, plan)} | first)`;
    capture = (p) =>
      `(${pathExpr(found, p)} if (${ANSWER}.skipped | default(false)) else ${pathExpr(unwrapped(ANSWER), p, entry?.answersList)})`;
  });
  if (Object.keys(step.capture).length && capture) tasks.push(captureTask(step, capture));
  return { tasks, uses };
}

/** In check mode, steps about objects an earlier step would create are skipped. */
export function apiStepCondition(step: PlannedStep, plan: Plan): string {
  const needs = [
    ...new Set(
      step.actions.flatMap((a) =>
        a.kind === 'api' ? Object.values(a.params).flatMap((v) => capturedIn(plan, v)) : [],
      ),
    ),
  ];
  const known = needs.map((n) => `${jinjaString(n)} in (runbook_captured | default({}))`);
  return `not ansible_check_mode or (${['runbook_cs_config is defined', ...known].join(' and ')})`;
}
