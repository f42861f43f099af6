// The api steps of the bash export: each cmk line as a `cs` call (python3-cs, helpers in
// assets/bash/api.sh), looked up first through the table in api-table.ts so a re-run changes
// nothing, as the installer's client does; captures from the last call's answer.
import type { Plan, PlannedStep } from '../plan/model.ts';
import type { ApiAction } from '../runbook/model.ts';
import { API_TABLE, isReadOnly, type Lookup } from './api-table.ts';
import { runtimeNames, shellQuote } from './shared.ts';
import { VARIABLE_REFERENCE } from '../runbook/variable-refs.ts';

/** `text` in double quotes, where only the run's `${NAME}`s expand. */
export function shellWord(text: string, plan: Plan): string {
  const known = new Set(runtimeNames(text, plan));
  if (known.size === 0) return shellQuote(text) || "''";
  let out = '';
  let last = 0;
  for (const m of text.matchAll(VARIABLE_REFERENCE)) {
    out += text.slice(last, m.index).replace(/[\\"$`]/g, (c) => `\\${c}`);
    out += known.has(m[1]!) ? m[0] : m[0].replace('$', '\\$');
    last = m.index! + m[0].length;
  }
  out += text.slice(last).replace(/[\\"$`]/g, (c) => `\\${c}`);
  return `"${out}"`;
}

const words = (plan: Plan, params: Record<string, string | undefined>) =>
  Object.entries(params)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => shellWord(`${k}=${v}`, plan));

const cs = (plan: Plan, api: string, params: Record<string, string | undefined>) =>
  ['cs_call', api, ...words(plan, params)].join(' ');

function guarded(plan: Plan, call: ApiAction, lookup: Lookup): string[] {
  const find = ['api_find', lookup.key, ...words(plan, lookup.match(call.params))].join(' ');
  const done =
    lookup.kind === 'exists'
      ? `api_answer=$(${find} <<<"$api_lookup")`
      : `api_answer=$(${find} <<<"$api_lookup") && ${['api_same', ...words(plan, lookup.fields!(call.params))].join(' ')} <<<"$api_answer"`;
  return [
    `  api_lookup=$(${cs(plan, lookup.list, lookup.params(call.params))}) || return`,
    `  if ${done}; then`,
    `    echo "    ${call.command}: ${lookup.kind === 'exists' ? 'already there' : 'already as wanted'}, nothing to do"`,
    '  else',
    `    api_answer=$(${cs(plan, call.command, call.params)}) || return`,
    '  fi',
  ];
}

/** The body of an api step's function. */
export function apiStepBody(step: PlannedStep, plan: Plan): string[] {
  const calls = step.actions.filter((a): a is ApiAction => a.kind === 'api');
  const guardedCalls = calls.some(
    (c) => c.command !== 'login' && !isReadOnly(c.command) && API_TABLE[c.command]?.lookup,
  );
  const body: string[] = [
    `  local api_answer${guardedCalls ? ' api_lookup' : ''}${Object.keys(step.capture).length ? ' captured' : ''}`,
    // First contact here, in the script's own shell: the cs calls below run in subshells,
    // which would each log in again if the keys were fetched there.
    '  api_keys || return',
  ];
  for (const call of calls) {
    body.push(`  # cmk: ${call.text.replaceAll('\n', ' ')}`);
    if (call.command === 'login') {
      // First contact (api_keys, above) is every step's first act; this one captures the admin user.
      body.push(`  api_answer=$(cs_call listUsers username=admin | api_admin) || return`);
      continue;
    }
    const lookup = API_TABLE[call.command]?.lookup;
    if (isReadOnly(call.command) || !lookup)
      body.push(`  api_answer=$(${cs(plan, call.command, call.params)}) || return`);
    else body.push(...guarded(plan, call, lookup));
  }
  const captures = Object.entries(step.capture).map(([name, path]) =>
    shellQuote(`${name}=${path}`),
  );
  if (captures.length)
    body.push(
      `  captured=$(api_capture ${captures.join(' ')} <<<"$api_answer") || return`,
      '  api_keep "$captured"',
      `  echo "    captured ${Object.keys(step.capture).join(', ')}"`,
    );
  return body;
}
