// The simulator stands in for CloudStack's API in tests and the lab. A machine step that requires
// an api step must not run for real when only the simulator answered that step: it ends
// `blocked`, naming the step and why, on the first run and on a resume from the journal.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run as install } from '../../installer/commands/install.ts';
import { createApiRunner } from '../../src/cloudstack/executor-adapter.ts';
import { startSimulator, type Simulator } from '../simulator/server.ts';
import { FAST } from './harness.ts';

const page = `---
title: After the API
description: A machine step that reads what the API built.
sidebar:
  order: 1
---

:::step[Log in]{#api-login on="api" capture="ADMIN_USER_ID=userid"}
\`\`\`cmk
login username=admin password=password domain=/
\`\`\`
:::

:::step[List zones]{#zones on="api" requires="api-login"}
\`\`\`cmk
list zones
\`\`\`
:::

:::step[Read the database]{#read-db on="management" requires="zones"}
\`\`\`sh
touch /tmp/must-not-run
\`\`\`
:::
`;

interface Line {
  type: string;
  id?: string;
  status?: string;
  reason?: string;
  simulated?: boolean;
}

describe('a machine step behind an api step the simulator answered', () => {
  let sim: Simulator;
  let dir: string;
  let site: string;

  beforeAll(async () => {
    sim = await startSimulator({ delays: { jobMs: 5 } });
    dir = mkdtempSync(join(tmpdir(), 'sim-deps-'));
    const runbook = join(dir, 'runbook');
    mkdirSync(runbook);
    writeFileSync(join(runbook, 'after-api.mdx'), page);
    site = join(dir, 'site.yaml');
    // Port 9 on loopback: if the step ever tried to run, it would fail to connect, not reach
    // the runbook's 172.16.10.2.
    writeFileSync(
      site,
      `name: simulated\nmanagement: { address: 172.16.10.2, hostname: mgmt, ssh: { host: 127.0.0.1, port: 9 } }\nhosts:\n  - { address: 172.16.10.3, hostname: kvm1, ssh: { host: 127.0.0.1, port: 9 } }\ncloudstack:\n  endpoint: ${sim.endpoint}\n`,
    );
  });
  afterAll(async () => {
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function installOnce(): Promise<{ code: number; lines: Line[] }> {
    const out: string[] = [];
    const code = await install({
      site,
      runbook: join(dir, 'runbook'),
      json: true,
      yes: true,
      out: (t) => out.push(t),
      err: () => {},
      apiRunner: createApiRunner({ timing: FAST }),
    });
    const lines = out
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Line);
    return { code, lines };
  }

  const end = (lines: Line[], id: string) =>
    lines.find((l) => l.type === 'step-end' && l.id === id);

  it('blocks the machine step, naming the simulator, and still exits 0', async () => {
    const { code, lines } = await installOnce();
    expect(end(lines, 'zones')).toMatchObject({ status: 'ok', simulated: true });
    const readDb = end(lines, 'read-db');
    expect(readDb?.status).toBe('blocked');
    expect(readDb?.reason).toMatch(
      /requires zones on api, which only the CloudStack API simulator answered/,
    );
    expect(code).toBe(0);
  });

  it('blocks it again on a resume, where the api steps are skipped from the journal', async () => {
    const { lines } = await installOnce();
    expect(end(lines, 'zones')?.status).toBe('skipped');
    expect(end(lines, 'read-db')).toMatchObject({ status: 'blocked' });
    expect(end(lines, 'read-db')?.reason).toMatch(/simulator/);
  });
});
