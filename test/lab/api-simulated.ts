// The API chapter on a lab, answered by the CloudStack API simulator from test/simulator (no
// CloudStack can be installed here: download.cloudstack.org is unreachable). A copy of the lab's
// site file points cloudstack.endpoint at the simulator on loopback, and `runbook install
// --from api-admin-user` runs the zone and verify chapters against it, as if the management
// server had come up. Every answer is labelled simulated; machine steps after it stay blocked.
// The simulator runs upstream's timing (test/simulator/timing.ts) at LAB_TIMING_SCALE: addHost
// answers after 15 s per host, addImageStore after 30 s, so the lab shows the waits and their
// progress while the API chapter stays within a few minutes of the lab's budget; the installer
// itself waits with upstream's full timeouts.
// The same simulator (and the copy's journal) can answer a second run: the day-two test grows
// the lab and runs the chapter again against the cloud the first run built.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse, stringify } from 'yaml';
import { startSimulator, type Simulator } from '../simulator/server.ts';
import { siteSchema } from '../../src/site-file/schema.ts';
import { runInstall, runVerify, type InstallRun } from './run-install.ts';

export interface SimulatedApiRun {
  install: InstallRun;
  verify: { code: number; text: string };
  /** Addresses of the KVM hosts the simulated CloudStack ended up with. */
  hostAddresses: string[];
  zoneState?: string;
  /** The API commands this run sent, in order. */
  calls: string[];
  site: string;
}

export const FIRST_API_STEP = 'api-admin-user';

/** Upstream's timing × 0.05: addHost 5 min → 15 s, addImageStore 10 min → 30 s. */
export const LAB_TIMING_SCALE = 0.05;

/** The simulator in upstream's timing at LAB_TIMING_SCALE (test/simulator names the classes it models). */
export function startLabSimulator(): Promise<Simulator> {
  return startSimulator({ timing: LAB_TIMING_SCALE });
}

/** The lab's site file, copied into `dir` with the API pointed at the simulator. */
export function simulatedSite(labSite: string, dir: string, endpoint: string): string {
  mkdirSync(dir, { recursive: true });
  const site = parse(readFileSync(labSite, 'utf8')) as { cloudstack: { endpoint: string } };
  site.cloudstack.endpoint = endpoint;
  const file = path.join(dir, 'site.yaml');
  writeFileSync(
    file,
    `# The lab's site file with the API pointed at the CloudStack API simulator (not a real CloudStack).\n${stringify(site)}`,
  );
  return file;
}

/**
 * Without `sim`: a fresh simulator and a fresh copy, closed afterwards. With `sim`: that
 * simulator and the copy's journal are kept, as a real cloud and its installer state would be.
 */
export async function runApiChapterAgainstSimulator(
  labSite: string,
  dir: string,
  shared?: Simulator,
): Promise<SimulatedApiRun> {
  const sim = shared ?? (await startLabSimulator());
  try {
    if (!shared) rmSync(dir, { recursive: true, force: true });
    const file = simulatedSite(labSite, dir, sim.endpoint);
    // The hostname step named each machine as the site does, and a real agent reports that name.
    const site = siteSchema.parse(parse(readFileSync(labSite, 'utf8')));
    for (const machine of [site.management, ...site.hosts])
      sim.cloud.hostnames.set(machine.address, machine.hostname);
    const before = sim.requests.length;
    const install = await runInstall(file, ['--from', FIRST_API_STEP], 30 * 60_000);
    // The simulated system VMs take a moment to report Up after the zone is enabled.
    let verify = await runVerify(file);
    for (let attempt = 1; verify.code !== 0 && attempt < 10; attempt++) {
      await sleep(3000);
      verify = await runVerify(file);
    }
    return {
      install,
      verify,
      site: file,
      calls: sim.requests.slice(before).map((r) => r.api),
      hostAddresses: sim.cloud.objects.host
        .filter((h) => h.type === 'Routing')
        .map((h) => String(h.ipaddress)),
      zoneState: sim.cloud.objects.zone[0]?.allocationstate as string | undefined,
    };
  } finally {
    if (!shared) await sim.close();
  }
}
