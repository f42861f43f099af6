// The fixture zone chapter through `runbook install` (executor + this API client) against the
// simulator: built, resumed from the journal, re-run from scratch changing nothing, verified.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../simulator/server.ts';
import { run as install } from '../../installer/commands/install.ts';
import { run as verify } from '../../installer/commands/verify.ts';
import { createApiRunner } from '../../src/cloudstack/executor-adapter.ts';
import { FAST, FIXTURE_DIR, eventually } from './harness.ts';

interface Line {
  type: string;
  id?: string;
  host?: string;
  status?: string;
  counts?: Record<string, number>;
}

describe('runbook install with the fixture zone chapter', () => {
  let sim: Simulator;
  let site: string;
  let dir: string;

  beforeAll(async () => {
    sim = await startSimulator({
      delays: { jobMs: 20, hostUpMs: 50, systemVmStartMs: 100, agentUpMs: 50 },
    });
    dir = mkdtempSync(join(tmpdir(), 'cs-install-'));
    site = join(dir, 'site.yaml');
    writeFileSync(
      site,
      `name: simulated\nhosts:\n  - { address: 172.16.10.3, hostname: kvm1 }\ncloudstack:\n  endpoint: ${sim.endpoint}\n`,
    );
  });
  afterAll(async () => {
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function installOnce(): Promise<{ code: number; lines: Line[]; text: string }> {
    const out: string[] = [];
    const code = await install({
      site,
      runbook: FIXTURE_DIR,
      json: true,
      yes: true,
      out: (t) => out.push(t),
      err: () => {},
      apiRunner: createApiRunner({ timing: FAST }),
    });
    const text = out.join('');
    return {
      code,
      text,
      lines: text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Line),
    };
  }

  const ends = (lines: Line[]) => lines.filter((l) => l.type === 'step-end');

  it('builds the zone, keeping the API keys in the state file and no secret in the output', async () => {
    const { code, lines, text } = await installOnce();
    expect(code).toBe(0);
    expect(ends(lines).map((l) => l.status)).not.toContain('failed');
    expect(ends(lines).find((l) => l.id === 'zone-create')?.status).toBe('changed');
    const state = JSON.parse(readFileSync(join(dir, '.runbook', 'state.json'), 'utf8'));
    expect(state.secrets.CLOUDSTACK_SECRET_KEY).toBe(sim.cloud.users[0]!.secretkey);
    expect(state.captured.ZONE_ID).toBe(sim.cloud.objects.zone[0]!.id);
    expect(sim.cloud.users[0]!.password).toBe(state.secrets.ADMIN_PASSWORD);
    expect(text).not.toContain(state.secrets.CLOUDSTACK_SECRET_KEY);
    expect(text).not.toContain(state.secrets.ADMIN_PASSWORD);
    // the step log says the endpoint is the simulator
    const log = readFileSync(join(dir, '.runbook', 'logs', 'api', 'zone-create.log'), 'utf8');
    expect(log).toContain('[simulated]');
    expect(log).not.toContain(state.secrets.CLOUDSTACK_SECRET_KEY);
    // every api step's event and the summary say the answers came from the simulator
    expect(ends(lines).filter((l) => l.host === 'api').every((l) => (l as { simulated?: boolean }).simulated === true)).toBe(true);
    const summary = lines.find((l) => l.type === 'summary') as { simulatedSteps?: number } | undefined;
    expect(summary?.simulatedSteps).toBe(ends(lines).filter((l) => l.host === 'api').length);
  });

  it('changes nothing when run again without the journal', async () => {
    rmSync(join(dir, '.runbook', 'journal.jsonl'));
    const before = sim.requests.length;
    const { code, lines } = await installOnce();
    expect(code).toBe(0);
    expect(new Set(ends(lines).map((l) => l.status))).toEqual(new Set(['ok']));
    expect(
      sim.requests
        .slice(before)
        .map((r) => r.api)
        .filter((a) => /^(create|add|update|configure|register)/.test(a)),
    ).toEqual([]);
  });

  it('passes `runbook verify --site` once the system VMs are up', async () => {
    const result = await eventually(
      async () => {
        const out: string[] = [];
        return { code: await verify({ site, out: (t) => out.push(t) }), text: out.join('') };
      },
      (r) => r.code === 0,
    );
    expect(result.code).toBe(0);
    expect(result.text).toContain('all checks passed');
  });
});
