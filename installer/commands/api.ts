// `runbook api COMMAND k=v ...`: one signed API call, the result printed as JSON.
// COMMAND is an API name (listZones) or cmk words (list zones); keys come from the state
// file unless --endpoint --api-key --secret-key are given.
import { InputError } from '../../src/diagnostics.ts';
import { apiNameFor } from '../../src/cloudstack/api-reference.ts';
import { validateCall, StepInputError } from '../../src/cloudstack/api-step.ts';
import { parseCmkLine, CmkSyntaxError } from '../../src/cloudstack/cmk-syntax.ts';
import { interactiveClient, resolveConnection, type ConnectionOptions } from '../../src/cloudstack/connection.ts';
import {
  CloudStackError,
  OutcomeUnknownError,
  TransportError,
  redact,
} from '../../src/cloudstack/errors.ts';
import type { ClientOptions } from '../../src/cloudstack/client.ts';
import { progressText, progressThrottle } from './install-output.ts';

export interface ApiOptions extends ConnectionOptions {
  /** The command words: `listZones name=Zone1` or `list zones name=Zone1`. */
  args: string[];
  out?: (text: string) => void;
  err?: (text: string) => void;
  /** Seam for tests: upstream's timing scaled, progress more often. */
  timing?: Pick<ClientOptions, 'timeScale' | 'progressEveryMs'>;
}

/** Words → API name and parameters, checked against the API reference. */
export function parseApiArgs(args: string[]): { api: string; params: Record<string, string> } {
  const bad = (message: string, fix: string) =>
    new InputError([{ file: 'command line', line: 0, message, fix }]);
  if (args.length === 0)
    throw bad(
      'no API command given',
      'write e.g. `runbook api listZones` or `runbook api list zones name=Zone1`',
    );
  // Arguments arrive split by the shell already: quote each so values keep their spaces.
  const line = args
    .map((a) => (/[\s"']/.test(a) ? `"${a.replace(/(["\\])/g, '\\$1')}"` : a))
    .join(' ');
  let call;
  try {
    call = parseCmkLine(line);
  } catch (e) {
    if (e instanceof CmkSyntaxError)
      throw bad(`cannot read the command: ${e.message}`, 'write key=value pairs after the command');
    throw e;
  }
  const api = apiNameFor(call.verb, call.noun);
  if (!api)
    throw bad(
      `no CloudStack API is called "${call.verb}${call.noun ? ' ' + call.noun : ''}"`,
      'use an API name such as listZones, or cmk words such as `list zones`',
    );
  try {
    validateCall(api, call.params, line);
  } catch (e) {
    if (e instanceof StepInputError) throw bad(e.message, 'fix the parameters; nothing was sent');
    throw e;
  }
  return { api, params: call.params };
}

export async function run(options: ApiOptions): Promise<number> {
  const out = options.out ?? ((t: string) => void process.stdout.write(t));
  const err = options.err ?? ((t: string) => void process.stderr.write(t));
  const { api, params } = parseApiArgs(options.args);
  const conn = resolveConnection(options);
  // While CloudStack works on a long call: a line when the wait begins, then every 30 s.
  const show = progressThrottle();
  const client = interactiveClient(conn, {
    ...options.timing,
    progress: (text, elapsedMs) => {
      if (show(api, text, elapsedMs))
        err(`runbook api: ${redact(progressText(text, elapsedMs), conn.secrets)}\n`);
    },
  });
  try {
    const result = await client.call(api, params);
    if (client.simulated)
      err(`[simulated] ${conn.endpoint} is the CloudStack API simulator, not a real CloudStack\n`);
    out(JSON.stringify(result, null, 2) + '\n');
    return 0;
  } catch (e) {
    if (client.simulated)
      err(`[simulated] ${conn.endpoint} is the CloudStack API simulator, not a real CloudStack\n`);
    if (e instanceof CloudStackError || e instanceof TransportError) {
      const look =
        e instanceof OutcomeUnknownError
          ? ` (look at what is there, e.g. with \`runbook api list ...\`, before sending it again)`
          : '';
      err(`runbook api: ${redact(e.message, conn.secrets)}${look}\n`);
      return 1;
    }
    throw e;
  }
}
