// Upstream's timing at full length (`npm run test:api-timing`; API_TIMING_SCALE=0.02 for a quick
// look): the real CLI runs `runbook install --from api-admin-user` of the bundled zone chapter
// against a simulator whose addHost answers after 5 minutes and addImageStore after 10, and,
// side by side, `runbook api add host ...` against another one. Each sends every create
// exactly once, succeeds, and shows progress while it waits.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isReadOnly } from '../../../src/cloudstack/api-timing.ts';
import { startSimulator, type Simulator } from '../../simulator/server.ts';
import { addHostAnswerMs, scaledTiming } from '../../simulator/timing.ts';
import { MemoryCredentials, bundledPlan, runApiSteps } from '../../cloudstack/harness.ts';

const SCALE = Number(process.env.API_TIMING_SCALE ?? 1);
const TIMING = scaledTiming(SCALE);
const RUNBOOK = resolve('installer/bin/runbook.js');
const NODE = process.execPath;
const MINUTES = 60_000;

const creates = (sim: Simulator, api?: string) =>
  sim.requests.filter(
    (r) => !isReadOnly(r.api) && r.api !== 'listCapabilities' && (!api || r.api === api),
  );

let dir: string;
let installSim: Simulator;
let apiSim: Simulator;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rb-api-timing-'));
  installSim = await startSimulator({ timing: SCALE });
  apiSim = await startSimulator({ timing: SCALE });
});
afterAll(async () => {
  await installSim?.close();
  await apiSim?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe(`upstream timing × ${SCALE} through the real CLI`, () => {
  it(
    'installs the zone chapter and adds a host with `runbook api`, each create sent once',
    async () => {
      // runbook install: the bundled zone and verify chapters, as the lab runs them
      const site = join(dir, 'site.yaml');
      writeFileSync(
        site,
        `name: upstream-timing\nhosts:\n  - { address: 172.16.10.3, hostname: kvm1 }\ncloudstack:\n  endpoint: ${installSim.endpoint}\n`,
      );
      const started = Date.now();
      const installing = execa(
        NODE,
        [RUNBOOK, 'install', '--site', site, '--yes', '--from', 'api-admin-user'],
        {
          reject: false,
          timeout: 60 * MINUTES,
          env: { NO_COLOR: '1' },
        },
      );

      // runbook api add host: a zone, pod and cluster first (quick calls), then the wait
      const creds = new MemoryCredentials();
      const plan = bundledPlan([{ address: '172.16.10.4', hostname: 'kvm2' }]);
      const before = plan.steps.findIndex((s) => s.id === 'hosts-add');
      const made = await runApiSteps(
        plan,
        apiSim.endpoint,
        creds,
        {},
        (s) => plan.steps.indexOf(s) < before,
      );
      expect(made.results.every((r) => ['ok', 'changed'].includes(r.result.status))).toBe(true);
      const apiStarted = Date.now();
      const adding = await execa(
        NODE,
        [
          RUNBOOK,
          'api',
          'add',
          'host',
          `zoneid=${made.captured.ZONE_ID}`,
          `podid=${made.captured.POD_ID}`,
          `clusterid=${made.captured.CLUSTER_ID}`,
          'hypervisor=KVM',
          'url=http://172.16.10.4',
          'username=root',
          '--endpoint',
          apiSim.endpoint,
        ],
        {
          reject: false,
          timeout: 30 * MINUTES,
          env: {
            NO_COLOR: '1',
            RUNBOOK_API_KEY: creds.keys!.apiKey,
            RUNBOOK_SECRET_KEY: creds.keys!.secretKey,
          },
        },
      );
      const apiMs = Date.now() - apiStarted;
      expect(adding.exitCode, String(adding.stderr)).toBe(0);
      expect(JSON.parse(String(adding.stdout))).toMatchObject({
        ipaddress: '172.16.10.4',
        state: 'Up',
      });
      expect(creates(apiSim, 'addHost')).toHaveLength(1);
      expect(apiMs).toBeGreaterThanOrEqual(addHostAnswerMs(TIMING) - 100);
      const apiWaits =
        String(adding.stderr).match(
          /runbook api: addHost: waiting for the KVM agent on 172\.16\.10\.4 to connect, \S+/g,
        ) ?? [];
      // a line when the wait began, then one every 30 s
      expect(apiWaits[0]).toMatch(/, 0s$/);
      expect(apiWaits.length).toBeGreaterThanOrEqual(Math.floor(addHostAnswerMs(TIMING) / 30_000));
      expect(apiWaits.length).toBeLessThanOrEqual(1 + Math.floor(apiMs / 30_000));

      const install = await installing;
      const installMs = Date.now() - started;
      const out = String(install.stdout);
      expect(install.exitCode, `${out}\n${String(install.stderr)}`).toBe(0);
      expect(out).toMatch(/\[api +\] changed +hosts-add in .* \[simulated\]/);
      expect(out).toMatch(/\[api +\] changed +zone-enable in .* \[simulated\]/);
      const addHostWaits =
        out.match(
          /wait +hosts-add: addHost: waiting for the KVM agent on kvm1 \(172\.16\.10\.3\) to connect, \S+/g,
        ) ?? [];
      const copyWaits =
        out.match(
          /wait +secondary-storage: addImageStore: CloudStack is copying the system VM template to \S+, \S+/g,
        ) ?? [];
      // a line when each wait began, then one every 30 s
      expect(addHostWaits.length).toBeGreaterThanOrEqual(
        Math.floor(addHostAnswerMs(TIMING) / 30_000),
      );
      expect(copyWaits.length).toBeGreaterThanOrEqual(Math.floor(TIMING.templateCopyMs / 30_000));
      // every create of the chapter sent exactly once
      const counts: Record<string, number> = {};
      for (const r of creates(installSim)) counts[r.api] = (counts[r.api] ?? 0) + 1;
      expect(counts).toMatchObject({
        addHost: 1,
        addImageStore: 1,
        createStoragePool: 1,
        createZone: 1,
        createPod: 1,
        addCluster: 1,
      });
      expect(Object.values(counts).every((n) => n <= 3)).toBe(true); // addTrafficType: 3 lines
      expect(counts.addTrafficType).toBe(3);
      expect(installMs).toBeGreaterThanOrEqual(addHostAnswerMs(TIMING) + TIMING.templateCopyMs);
      console.log(
        `upstream timing × ${SCALE}: runbook install of the zone chapter ${(installMs / 1000).toFixed(0)} s, ` +
          `runbook api add host ${(apiMs / 1000).toFixed(0)} s; progress lines: addHost ${addHostWaits.length}, addImageStore ${copyWaits.length}, runbook api ${apiWaits.length}`,
      );
    },
    90 * MINUTES,
  );
});
