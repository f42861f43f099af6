// Where a command talks to: an explicit --endpoint/--api-key/--secret-key, or the site file's
// API endpoint with the keys kept in its state file (`.runbook/state.json` beside it).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError, type Problem } from '../diagnostics.ts';
import { loadSite } from '../site-file/load.ts';
import { apiEndpoint } from '../site-file/variables.ts';
import { statePaths } from '../state/paths.ts';
import { readState } from '../state/store.ts';
import { CloudStackClient, type ApiKeys, type ClientOptions } from './client.ts';
import { keysFromSecrets } from './state-credentials.ts';

export interface ConnectionOptions {
  site?: string;
  endpoint?: string;
  apiKey?: string;
  secretKey?: string;
  caFile?: string;
}

export interface Connection {
  endpoint: string;
  keys: ApiKeys;
  caFile?: string;
  /** Site-given zone name, for verify. */
  zoneName?: string;
  /** Secret values to hide in any output. */
  secrets: string[];
}

export function resolveConnection(given: ConnectionOptions): Connection {
  // Keys from the environment keep them off the process list and out of shell history.
  const opts: ConnectionOptions = {
    ...given,
    apiKey: given.apiKey ?? process.env.RUNBOOK_API_KEY,
    secretKey: given.secretKey ?? process.env.RUNBOOK_SECRET_KEY,
  };
  const problems: Problem[] = [];
  const siteFile = resolve(opts.site ?? 'site.yaml');
  const explicit = opts.endpoint !== undefined;
  if ((opts.apiKey === undefined) !== (opts.secretKey === undefined)) {
    problems.push({
      file: 'command line',
      line: 0,
      message: 'give --api-key and --secret-key together',
      fix: 'pass both, or neither to use the keys in the state file',
    });
  }
  let endpoint = opts.endpoint;
  let caFile = opts.caFile;
  let zoneName: string | undefined;
  if (!explicit) {
    const site = loadSite(siteFile).site;
    endpoint = apiEndpoint(site);
    caFile ??= site.cloudstack.ca;
    zoneName = site.zone.name;
  }
  let keys: ApiKeys | undefined =
    opts.apiKey && opts.secretKey ? { apiKey: opts.apiKey, secretKey: opts.secretKey } : undefined;
  let secrets: string[] = [];
  if (!keys) {
    const stateFile = statePaths(siteFile).state;
    const state = existsSync(stateFile) ? readState(stateFile) : undefined;
    keys = state ? keysFromSecrets(state.secrets) : undefined;
    secrets = state ? Object.values(state.secrets) : [];
    if (!keys) {
      problems.push({
        file: stateFile,
        line: 0,
        message: 'no CloudStack API keys in the state file',
        fix: 'run `runbook install` up to the API login step first, or pass --endpoint --api-key --secret-key',
      });
    }
  }
  if (problems.length > 0) throw new InputError(problems);
  return {
    endpoint: endpoint!,
    keys: keys!,
    caFile,
    zoneName,
    secrets: [...secrets, keys!.secretKey],
  };
}

/**
 * A client for one command someone waits for at a terminal: one quick second try of a read,
 * no more; `extra` adds progress reporting (and, in tests, scaled timing).
 */
export function interactiveClient(
  conn: Connection,
  extra: Pick<ClientOptions, 'progress' | 'progressEveryMs' | 'timeScale'> = {},
): CloudStackClient {
  return new CloudStackClient({
    endpoint: conn.endpoint,
    keys: conn.keys,
    caFile: conn.caFile,
    retry: { attempts: 2, initialMs: 1000, maxMs: 1000 },
    ...extra,
  });
}
