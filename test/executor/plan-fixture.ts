// Hand-built plans over fake sshd hosts, for executor tests that do not need the runbook parser.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Action } from '../../src/runbook/model.ts';
import type { Machine, Plan, PlannedStep } from '../../src/plan/model.ts';
import type { ClientKey, FakeHost } from '../helpers/sshd.ts';

export function machinesFor(hosts: FakeHost[], key: ClientKey): Machine[] {
  return hosts.map((h, i) => ({
    name: h.name,
    address: `172.16.10.${i + 2}`,
    role: i === 0 ? 'management' : 'kvm',
    ssh: { host: h.address, port: h.port, user: 'root', identity: key.privateKey },
  }));
}

const src = { file: 'test.mdx', line: 1 };

export function sh(script: string): Action {
  return { kind: 'sh', script, source: src };
}

export function file(path: string, content: string, mode?: string): Action {
  return { kind: 'file', path, content, mode, source: src };
}

export function step(
  id: string,
  hosts: string[],
  actions: Action[],
  extra: Partial<PlannedStep> = {},
): PlannedStep {
  return {
    id,
    title: `Step ${id}`,
    on: 'all',
    hosts,
    chapter: 'test',
    source: src,
    url: `/test/#${id}`,
    capture: {},
    timeout: 30,
    retries: 0,
    requires: [],
    needs: [],
    actions,
    ...extra,
  };
}

/** A plan whose site file sits in a fresh directory (so `.runbook/` is fresh too). */
export function makePlan(
  machines: Machine[],
  steps: PlannedStep[],
  variables: Record<string, string> = {},
  secrets: string[] = [],
): Plan {
  const dir = mkdtempSync(join(tmpdir(), 'rb-site-'));
  return {
    siteName: 'test',
    siteFile: join(dir, 'site.yaml'),
    runbookDir: dir,
    machines,
    variables,
    secrets,
    steps,
    apiEndpoint: 'http://127.0.0.1:1/client/api',
  };
}
