// A create/add/update sent so that CloudStack does it once: the object is looked up before the
// call (a re-run changes nothing), and whenever the answer is lost (timeout, reset, hang-up)
// or is a transient error, it is looked up again, for as long as upstream may still be
// working on it, before the call is sent another time. Upstream's "already exists" answers
// are read as found. Read-only calls never come here (the client retries them itself).
import { saysAlreadyExists } from './already-exists.ts';
import { describeDuration } from './api-timing.ts';
import { sleep, type CloudStackClient } from './client.ts';
import { OutcomeUnknownError, isTransient } from './errors.ts';
import { differences, type Lookup } from './lookups.ts';
import type { Json, JsonObject } from './response.ts';

export interface CallOutcome {
  result: Json;
  changed: boolean;
}

export interface OnceOptions {
  log: (line: string) => void;
  signal?: AbortSignal;
  /** Time between lookups while waiting for an object to show up or to be ready. */
  lookupEveryMs: number;
  /** Most sends of one call (each after a lookup found nothing). */
  maxSends: number;
  /** Pause before sending again after a transient error CloudStack answered with. */
  retryAfterMs: number;
}

type ExistsLookup = Extract<Lookup, { kind: 'exists' }>;

interface Call {
  api: string;
  params: Record<string, string>;
}

function label(o: JsonObject): string {
  return String(o.name ?? o.traffictype ?? o.url ?? o.ipaddress ?? o.startip ?? o.id ?? '');
}

/**
 * Look for the object until `deadline`; found and ready → it; found but never ready → an
 * error naming its state; not found → undefined. Failing lookups (the network still down)
 * are tried again until the deadline.
 */
async function lookUntil(
  client: CloudStackClient,
  call: Call,
  lookup: ExistsLookup,
  deadline: number,
  why: string,
  opts: OnceOptions,
): Promise<JsonObject | undefined> {
  const what = lookup.what(call.params);
  const waiting = client.waitStarted(
    `${call.api}: ${why}; looking for ${what} in CloudStack`,
    true,
  );
  try {
    for (;;) {
      let found: JsonObject | undefined;
      let failure: unknown;
      try {
        found = await lookup.find(client, call.params);
      } catch (err) {
        failure = err;
      }
      if (found && (!lookup.ready || lookup.ready(found))) return found;
      if (Date.now() >= deadline) {
        if (found)
          throw new Error(
            `${call.api}: ${what} is in CloudStack but ${lookup.state?.(found) ?? 'not ready'} after ${describeDuration(client.timeoutFor(call.api))}; look at the management server log (/var/log/cloudstack/management/management-server.log)`,
          );
        if (failure) throw failure;
        return undefined;
      }
      await sleep(Math.min(opts.lookupEveryMs, Math.max(1, deadline - Date.now())), opts.signal);
    }
  } finally {
    waiting.stop();
  }
}

/**
 * After a lost answer: wait, until the lost call's deadline, for the work upstream does after
 * the object is listed (`finished`). Past the deadline the next steps judge what is missing.
 */
async function untilFinished(
  client: CloudStackClient,
  call: Call,
  lookup: ExistsLookup,
  deadline: number,
  opts: OnceOptions,
): Promise<void> {
  if (!lookup.finished) return;
  const waiting = client.waitStarted(
    `${call.api}: ${lookup.what(call.params)} is there; waiting for ${lookup.finishing ?? 'upstream to finish the call'}`,
    true,
  );
  try {
    while (Date.now() < deadline) {
      try {
        if (await lookup.finished(client, call.params)) return;
      } catch {
        // the network may still be down: look again until the deadline
      }
      await sleep(Math.min(opts.lookupEveryMs, Math.max(1, deadline - Date.now())), opts.signal);
    }
    opts.log(`  ${call.api}: still no sign of ${lookup.finishing ?? 'the end of the call'}`);
  } finally {
    waiting.stop();
  }
}

/** The lookup before the call: an object already there (and ready) means nothing to do. */
async function alreadyThere(
  client: CloudStackClient,
  call: Call,
  lookup: ExistsLookup,
  opts: OnceOptions,
): Promise<JsonObject | undefined> {
  const found = await lookup.find(client, call.params);
  if (!found) return undefined;
  if (lookup.ready && !lookup.ready(found)) {
    // An earlier run's call may still be at work (its answer was lost): wait for it to finish.
    const state = lookup.state?.(found) ?? 'not ready';
    opts.log(`  ${call.api}: ${lookup.what(call.params)} is there but ${state}; waiting for it`);
    return lookUntil(
      client,
      call,
      lookup,
      Date.now() + client.timeoutFor(call.api),
      `${lookup.what(call.params)} is ${state}`,
      opts,
    );
  }
  return found;
}

/** Send `call` so that CloudStack does it once; see the file comment. */
export async function callOnce(
  client: CloudStackClient,
  call: Call,
  lookup: Lookup | undefined,
  opts: OnceOptions,
): Promise<CallOutcome> {
  if (lookup?.kind === 'exists') {
    const found = await alreadyThere(client, call, lookup, opts);
    if (found) {
      opts.log(`  ${call.api}: already there (${label(found)}), nothing to do`);
      return { result: found, changed: false };
    }
  } else if (lookup?.kind === 'state') {
    const current = await lookup.current(client, call.params);
    if (current) {
      const diff = differences(current, lookup.fields(call.params));
      if (diff.length === 0) {
        opts.log(`  ${call.api}: already as wanted, nothing to do`);
        return { result: current, changed: false };
      }
      opts.log(`  ${call.api}: changing ${diff.join(', ')}`);
    }
  } else {
    opts.log(`  ${call.api}: no lookup known for this API, calling it as written`);
  }

  for (let send = 1; ; send++) {
    try {
      return { result: await client.call(call.api, call.params), changed: true };
    } catch (err) {
      if (lookup?.kind === 'exists' && saysAlreadyExists(call.api, err)) {
        const found = await lookUntil(
          client,
          call,
          lookup,
          Date.now() + client.timeoutFor(call.api),
          'CloudStack says it already exists',
          opts,
        );
        if (!found) throw err;
        opts.log(`  ${call.api}: CloudStack says it already exists; using ${label(found)}`);
        return { result: found, changed: false };
      }
      const unknown = err instanceof OutcomeUnknownError;
      if ((!unknown && !isTransient(err)) || send >= opts.maxSends) throw err;
      if (!lookup) {
        if (unknown)
          throw new Error(
            `${(err as Error).message}. This API has no lookup, so the installer cannot tell whether CloudStack did it: check in the UI (or with \`runbook api\`) before running the step again`,
            { cause: err },
          );
      } else if (lookup.kind === 'exists') {
        // Upstream may work on the call for its whole timeout after it was sent: look until then.
        const deadline = unknown ? err.sentAt + client.timeoutFor(call.api) : Date.now();
        const why = unknown ? 'no answer' : 'CloudStack answered with a passing error';
        opts.log(
          `  ${call.api}: ${(err as Error).message}; looking for ${lookup.what(call.params)} first`,
        );
        const found = await lookUntil(client, call, lookup, deadline, why, opts);
        if (found && unknown) await untilFinished(client, call, lookup, deadline, opts);
        if (found) {
          opts.log(`  ${call.api}: CloudStack did it after all (${label(found)}); not sent again`);
          return { result: found, changed: true };
        }
      } else {
        // An update sent twice does no harm, but one that took effect needs no second send.
        const current = await lookup.current(client, call.params);
        if (current && differences(current, lookup.fields(call.params)).length === 0) {
          opts.log(`  ${call.api}: the change is in place after all; not sent again`);
          return { result: current, changed: true };
        }
      }
      opts.log(
        `  ${call.api}: not done in CloudStack; sending it again (send ${send + 1} of ${opts.maxSends})`,
      );
      if (!unknown) await sleep(opts.retryAfterMs * 2 ** (send - 1), opts.signal);
    }
  }
}
