// For readers working by hand: an api step's `capture="ZONE_ID=id"` as one shell line that sets
// the variable from CloudMonkey's JSON answer, e.g.
//   export ZONE_ID="$(cmk list zones name="${ZONE_NAME}" | jq -r '.zone[0].id')"
// A list step is asked again as written; a create/add step is looked up by name with the list API
// of the same object (as the installer does before every create), so the line can be run any
// time after the step, as often as needed. cmk prints the answer without the `…response`
// wrapper (cmd/network.go, NewAPIRequest), so the list sits under the object's name.
import { apiNameFor, apiReference } from '../../../src/cloudstack/api-reference.ts';
import { parseCmkLine } from '../../../src/cloudstack/cmk-syntax.ts';

export interface CaptureLine {
  name: string;
  /** The shell line. */
  line: string;
  /** The cmk call it asks and the jq program it applies (for tests). */
  call: string;
  jq: string;
}

/** `createZone` → `listZones`; undefined when CloudStack has no such list API. */
function listApiFor(api: string): string | undefined {
  const noun = api.replace(/^(create|add|list)/, '');
  const list = `list${noun}${api.startsWith('list') ? '' : 's'}`;
  return list in apiReference().apis ? list : undefined;
}

/** The key of the list in cmk's answer: `listNetworkServiceProviders` → `networkserviceprovider`. */
export function listKeyOf(listApi: string): string {
  return listApi.slice('list'.length).toLowerCase().replace(/s$/, '');
}

function quoted(value: string): string {
  return /[\s"$]/.test(value) ? `"${value.replace(/(["\\])/g, '\\$1')}"` : value;
}

/** jq program for a capture path over the unwrapped answer (src/cloudstack/json-path.ts). */
function jqPath(key: string, path: string, fromCreate: boolean): string {
  const tokens = path.match(/[^.[\]]+|\[\d+\]/g) ?? [];
  const indexed = !fromCreate && tokens[0]?.startsWith('[');
  const rest = (indexed ? tokens.slice(1) : tokens).map((t) => (t.startsWith('[') ? t : `.${t}`)).join('');
  return `.${key}${indexed ? tokens[0] : '[0]'}${rest}`;
}

/** The lines for a step whose last API call is `lastCall`; throws when one cannot be made. */
export function captureLines(lastCall: string, capture: Record<string, string>): CaptureLine[] {
  const call = parseCmkLine(lastCall);
  const api = apiNameFor(call.verb, call.noun);
  if (!api) throw new Error(`"${lastCall}" is not a CloudStack API call`);
  const fromCreate = !api.startsWith('list');
  const listApi = listApiFor(api);
  if (!listApi) throw new Error(`${api}: no list API to look its object up with`);
  let cmk = lastCall.trim();
  if (fromCreate) {
    const name = call.params.name ?? call.params.clustername;
    if (!name) throw new Error(`${api}: the call names no object (name=…) to look up`);
    const params = [`name=${quoted(name)}`];
    if (call.params.zoneid) params.push(`zoneid=${quoted(call.params.zoneid)}`);
    cmk = `list ${listApi.slice('list'.length).toLowerCase()} ${params.join(' ')}`;
  }
  const key = listKeyOf(listApi);
  return Object.entries(capture).map(([name, path]) => {
    const jq = jqPath(key, path, fromCreate);
    return { name, call: cmk, jq, line: `export ${name}="$(cmk ${cmk} | jq -r '${jq}')"` };
  });
}
