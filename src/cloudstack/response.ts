// CloudStack's JSON envelopes: `{"<api>response": {...}}` around an object, a list, an async
// job handle or a finished job (`jobresult`). unwrap() returns what the caller asked for:
// `createzoneresponse.zone` → the zone, `listhostsresponse.host` → the hosts (or [] when
// CloudStack leaves the list out because it is empty).
import { CloudStackError } from './errors.ts';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The single value inside the envelope (its key varies: `listVirtualMachines`, `disableResponse`...). */
export function envelope(api: string, body: unknown): JsonObject {
  if (!isObject(body))
    throw new Error(`${api}: CloudStack answered with something that is not a JSON object`);
  const keys = Object.keys(body);
  const preferred = `${api.toLowerCase()}response`;
  const key =
    keys.find((k) => k.toLowerCase() === preferred) ?? (keys.length === 1 ? keys[0] : undefined);
  const inner = key === undefined ? undefined : body[key];
  if (!isObject(inner))
    throw new Error(`${api}: unexpected response shape (keys: ${keys.join(', ') || 'none'})`);
  return inner;
}

/** Throws CloudStackError when the envelope holds `errorcode`/`errortext`. */
export function throwIfError(api: string, inner: JsonObject): void {
  if (typeof inner.errorcode === 'number' || typeof inner.errortext === 'string') {
    throw new CloudStackError({
      api,
      errorCode: Number(inner.errorcode ?? 530),
      csErrorCode: typeof inner.cserrorcode === 'number' ? inner.cserrorcode : undefined,
      errorText: String(inner.errortext ?? 'no error text'),
    });
  }
}

const JOB_FIELDS = new Set([
  'jobid',
  'jobstatus',
  'jobprocstatus',
  'jobresultcode',
  'jobresulttype',
  'jobinstancetype',
  'jobinstanceid',
  'accountid',
  'userid',
  'cmd',
  'created',
  'completed',
  'account',
  'domainid',
  'domainpath',
  'managementserverid',
  'managementservername',
]);

/** A finished job's envelope (as queryAsyncJobResult or the recorded samples give it). */
export function isFinishedJob(inner: JsonObject): boolean {
  return 'jobresult' in inner && typeof inner.jobstatus === 'number';
}

/** An async API's first answer: only a job id (and perhaps the new object's id). */
export function pendingJobId(inner: JsonObject): string | undefined {
  if ('jobresult' in inner) return undefined;
  if (typeof inner.jobid !== 'string') return undefined;
  return Object.keys(inner).every((k) => JOB_FIELDS.has(k) || k === 'id') ? inner.jobid : undefined;
}

/**
 * The payload of a response: a list for list-shaped answers, the object for object-shaped
 * ones, the inner map itself for flat answers (`login`, `{success: true}`).
 */
export function unwrapInner(api: string, inner: JsonObject): Json {
  let payload: JsonObject = inner;
  if (isFinishedJob(inner)) {
    const result = inner.jobresult;
    if (inner.jobstatus === 2) {
      const r = isObject(result) ? result : {};
      throw new CloudStackError({
        api,
        errorCode: Number(r.errorcode ?? 530),
        csErrorCode: typeof r.cserrorcode === 'number' ? r.cserrorcode : undefined,
        errorText: String(r.errortext ?? 'the asynchronous job failed without an error text'),
      });
    }
    if (!isObject(result)) return result ?? null;
    payload = result;
  }
  const keys = Object.keys(payload).filter((k) => k !== 'count');
  const isList = api.toLowerCase().startsWith('list') || 'count' in payload;
  if (isList) {
    const arrayKey = keys.find((k) => Array.isArray(payload[k]));
    const list = arrayKey ? (payload[arrayKey] as Json[]) : [];
    if (api.toLowerCase().startsWith('list')) return list;
    // add*/register* answer with a one-item list: the caller wants the item.
    return list.length === 1 ? list[0]! : list;
  }
  if (keys.length === 1 && isObject(payload[keys[0]!])) return payload[keys[0]!]!;
  return payload;
}

/** Parse a whole response body for an API; throws CloudStackError for error envelopes. */
export function unwrap(api: string, body: unknown): Json {
  const inner = envelope(api, body);
  throwIfError(api, inner);
  return unwrapInner(api, inner);
}
