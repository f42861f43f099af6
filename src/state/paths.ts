// Where a site's state lives: `.runbook/` beside the site file, readable by its owner only.
import { chmodSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface StatePaths {
  dir: string;
  journal: string;
  state: string;
  knownHosts: string;
  lock: string;
  logs: string;
}

export function statePaths(siteFile: string): StatePaths {
  const dir = join(dirname(siteFile), '.runbook');
  return {
    dir,
    journal: join(dir, 'journal.jsonl'),
    state: join(dir, 'state.json'),
    knownHosts: join(dir, 'known_hosts'),
    lock: join(dir, 'lock'),
    logs: join(dir, 'logs'),
  };
}

export function ensureStateDir(paths: StatePaths): void {
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  chmodSync(paths.dir, 0o700);
  mkdirSync(paths.logs, { recursive: true, mode: 0o700 });
}

/** A file name that is safe for any host or step id (ids are [a-z0-9-], host names nearly so). */
export function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_');
}
