// What every simulated API handler needs: CloudStack's error, the answer shapes, and the
// checks CloudStack makes (entities exist, names are unique, list filters).
import { shown, type Cloud, type Collection, type Obj, type User } from './model.ts';
import type { Sessions } from './auth.ts';

export class ApiFault extends Error {
  readonly code: number;
  readonly csCode: number;
  constructor(code: number, text: string, csCode = 4350) {
    super(text);
    this.code = code;
    this.csCode = csCode;
  }
}

export type Answer =
  | { kind: 'object'; key: string; value: Record<string, unknown> }
  | { kind: 'list'; key: string; items: Record<string, unknown>[] }
  | { kind: 'flat'; value: Record<string, unknown> };

export interface CallContext {
  cloud: Cloud;
  user: User;
  api: string;
  params: Record<string, string>;
  sessions: Sessions;
  /** Let time pass inside a call, as upstream does in the request (ends when the simulator closes). */
  wait: (ms: number) => Promise<void>;
}

/** Most APIs answer at once; the ones upstream holds open for minutes return a promise. */
export type Handler = (ctx: CallContext) => Answer | Promise<Answer>;

export const obj = (key: string, o: Obj): Answer => ({ kind: 'object', key, value: shown(o) });

/** CloudStack's "invalid value" text for an id that names nothing. */
export function need(ctx: CallContext, collection: Collection, param: string): Obj {
  const id = ctx.params[param];
  const found = ctx.cloud.byId(collection, id);
  if (!found) {
    throw new ApiFault(
      431,
      `Unable to execute API command ${ctx.api.toLowerCase()} due to invalid value. Invalid parameter ${param} value=${id} due to incorrect long value format, or entity does not exist or due to incorrect parameter annotation for the field in api cmd class.`,
    );
  }
  return found;
}

export function unique(
  ctx: CallContext,
  collection: Collection,
  test: (o: Obj) => boolean,
  text: string,
): void {
  if (ctx.cloud.objects[collection].some(test)) throw new ApiFault(431, text);
}

export const eq = (a: unknown, b: string | undefined) =>
  b !== undefined && String(a).toLowerCase() === b.toLowerCase();

/** listX with CloudStack's filters: each given filter must match the field of the same name. */
export function lister(
  collection: Collection,
  key: string,
  map: Record<string, string> = {},
): Handler {
  return (ctx) => {
    const skip = new Set([
      'page',
      'pagesize',
      'listall',
      'keyword',
      'showcapacities',
      'details',
      'showicon',
    ]);
    let items = ctx.cloud.objects[collection];
    for (const [param, value] of Object.entries(ctx.params)) {
      if (skip.has(param)) continue;
      const field = map[param] ?? param;
      items = items.filter((o) => eq(o[field], value));
    }
    if (ctx.params.keyword)
      items = items.filter((o) =>
        String(o.name ?? '')
          .toLowerCase()
          .includes(ctx.params.keyword!.toLowerCase()),
      );
    return { kind: 'list', key, items: items.map(shown) };
  };
}

export function zoneFields(zone: Obj) {
  return { zoneid: zone.id, zonename: zone.name };
}
