// `runbook install` of the fixture zone chapter while CloudStack takes its time (the simulator
// in upstream's timing, scaled): progress lines in the plain output and step-progress events
// under --json, and Ctrl-C during the long addImageStore ending the run `interrupted`, with a
// resume that finishes without sending the create again.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../simulator/server.ts';
import { run as install } from '../../installer/commands/install.ts';
import { lineRenderer } from '../../installer/commands/install-output.ts';
import { createApiRunner } from '../../src/cloudstack/executor-adapter.ts';
import { Executor } from '../../src/executor/executor.ts';
import type { ExecutorEvent } from '../../src/executor/events.ts';
import { loadInputs } from '../../installer/load-inputs.ts';
import { FIXTURE_DIR, scaledClient } from './harness.ts';

const SCALE = 0.004; // addHost answers after 1.2 s, addImageStore after 2.4 s

describe('install while CloudStack works on long calls', () => {
  let sim: Simulator;
  let dir: string;
  let site: string;

  beforeEach(async () => {
    sim = await startSimulator({ timing: SCALE });
    dir = mkdtempSync(join(tmpdir(), 'cs-waits-'));
    site = join(dir, 'site.yaml');
    writeFileSync(
      site,
      `name: waits\nhosts:\n  - { address: 172.16.10.3, hostname: kvm1 }\ncloudstack:\n  endpoint: ${sim.endpoint}\n`,
    );
  });
  afterEach(async () => {
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows a line when a long wait begins, in plain output and as step-progress under --json', async () => {
    const plain: string[] = [];
    const events: ExecutorEvent[] = [];
    const code = await install({
      site,
      runbook: FIXTURE_DIR,
      yes: true,
      out: (t) => plain.push(t),
      err: () => {},
      apiRunner: createApiRunner({ timing: scaledClient(SCALE) }),
      onEvent: (e) => events.push(e),
    });
    expect(code).toBe(0);
    const text = plain.join('');
    expect(text).toMatch(
      /\[api +\] wait +zone-hosts: addHost: waiting for the KVM agent on kvm1 \(172\.16\.10\.3\) to connect, 0s\n/,
    );
    expect(text).toMatch(
      /\[api +\] wait +zone-secondary-storage: addImageStore: CloudStack is copying the system VM template to nfs:\/\/\S+, 0s\n/,
    );
    // one line per wait, not one per report (reports come every 50 ms here, lines every 30 s)
    const reports = events.filter(
      (e) => e.type === 'step-progress' && e.text.startsWith('addImageStore'),
    );
    expect(reports.length).toBeGreaterThan(10);
    expect(text.match(/addImageStore: CloudStack is copying/g)).toHaveLength(1);
    // the same events under --json, as an extra event type
    const json: string[] = [];
    rmSync(join(dir, '.runbook', 'journal.jsonl'));
    sim.cloud.objects.imagestore.length = 0; // make the last steps wait again
    sim.cloud.objects.template.length = 0;
    await install({
      site,
      runbook: FIXTURE_DIR,
      yes: true,
      json: true,
      out: (t) => json.push(t),
      err: () => {},
      apiRunner: createApiRunner({ timing: scaledClient(SCALE) }),
    });
    const progress = json
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string; id?: string; text?: string; elapsedMs?: number })
      .filter((e) => e.type === 'step-progress');
    const copying = progress.filter((e) => e.id === 'zone-secondary-storage');
    expect(copying[0]).toMatchObject({ type: 'step-progress', host: 'api' });
    expect(copying[0]!.text).toMatch(
      /^addImageStore: CloudStack is copying the system VM template to nfs:/,
    );
    expect(copying.at(-1)!.elapsedMs).toBeGreaterThan(1000);
  });

  it('ends `interrupted` (not failed) on Ctrl-C during a long wait, and the resume does not add it again', async () => {
    const { plan } = loadInputs({ site, runbook: FIXTURE_DIR });
    const events: ExecutorEvent[] = [];
    const lines: string[] = [];
    const render = lineRenderer((t) => lines.push(t), `runbook install --site ${site}`);
    const executor: Executor = new Executor({
      plan,
      confirmHostKey: async () => true,
      apiRunner: createApiRunner({ timing: scaledClient(SCALE) }),
      onEvent: (e) => {
        events.push(e);
        render(e);
        // Ctrl-C twice while addImageStore is being worked on
        if (e.type === 'step-progress' && e.text.startsWith('addImageStore') && e.elapsedMs > 300)
          executor.stop(true);
      },
    });
    const summary = await executor.run();
    expect(summary.result).toBe('interrupted');
    expect(summary.counts.failed).toBe(0);
    expect(summary.failures).toEqual([]);
    const text = lines.join('');
    expect(text).toContain(`Stopped on request. Resume with: runbook install --site ${site}`);
    expect(text).not.toContain('The run failed');
    expect(events.some((e) => e.type === 'step-end' && e.id === 'zone-secondary-storage')).toBe(
      false,
    );
    const journal = readFileSync(join(dir, '.runbook', 'journal.jsonl'), 'utf8');
    expect(journal).toContain('"result":"interrupted"');

    const again = await new Executor({
      plan,
      confirmHostKey: async () => true,
      apiRunner: createApiRunner({ timing: scaledClient(SCALE) }),
    }).run();
    expect(again.result).toBe('completed');
    expect(sim.requests.filter((r) => r.api === 'addImageStore')).toHaveLength(1);
    expect(sim.cloud.objects.zone[0]!.allocationstate).toBe('Enabled');
  });
});
