// `runbook install` on the multi-page test runbook, across a management server and three KVM
// hosts (real sshd on loopback): failure, fix and resume; a quiet second run; secrecy; Ctrl-C;
// the lock; a host whose sshd dies mid-step.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run as status } from '../../installer/commands/status.ts';
import {
  HOST_NAMES,
  RUNBOOK,
  install,
  jsonEvents,
  makeSite,
  spawnInstall,
  startCluster,
  stateOf,
  hostTree,
  type Cluster,
  type Site,
} from './cluster.ts';

let cluster: Cluster;
const sites: Site[] = [];
beforeAll(async () => {
  cluster = await startCluster(40);
});
afterAll(() => {
  for (const s of sites) s.cleanup();
  cluster?.stop();
});

function newSite(): Site {
  const site = makeSite(cluster);
  sites.push(site);
  return site;
}

interface StatusJson {
  lastRun: { result: string };
  toRun: number;
  counts: Record<string, number>;
  steps: { id: string; host: string; status: string }[];
}

function statusOf(site: Site): StatusJson {
  let text = '';
  expect(status({ site: site.file, runbook: RUNBOOK, json: true, out: (t) => (text += t) })).toBe(
    0,
  );
  return JSON.parse(text) as StatusJson;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const full = join(dir, e);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

/** Wait until the running install prints a JSON event matching `match`. */
function waitForEvent(
  child: ReturnType<typeof spawnInstall>,
  match: (e: Record<string, unknown>) => boolean,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      if (lines.some((l) => l.trim() && match(JSON.parse(l)))) {
        child.stdout?.off('data', onData);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    void child.then(() => reject(new Error('the installer ended before the awaited event')));
  });
}

describe('runbook install across four hosts', () => {
  it('fails on one host, resumes after the fix, then changes nothing; secrets stay in the state file', async () => {
    const site = newSite();
    execFileSync('mkdir', ['-p', site.root]);
    writeFileSync(join(site.root, 'break-kvm2'), '');

    // Watch `ps` for the secrets during every run.
    const psOutputs: string[] = [];
    const poll = setInterval(
      () => psOutputs.push(execFileSync('ps', ['-eww', '-o', 'args']).toString()),
      40,
    );

    const first = await install(site, ['--yes', '--json']);
    expect(first.exitCode).toBe(1);
    const events = jsonEvents(first.stdout);
    expect(events[0]).toMatchObject({ type: 'plan', hosts: HOST_NAMES });
    const failed = events.filter((e) => e.type === 'step-end' && e.status === 'failed');
    expect(failed).toHaveLength(1);
    const failure = failed[0]!.failure as Record<string, unknown>;
    expect(failure).toMatchObject({
      host: 'kvm2',
      id: 'break-point',
      exitCode: 4,
      url: 'https://cloudstack-runbook.github.io/01-every-machine/#break-point',
    });
    expect(failure.lastLines).toEqual([
      'checking for a break file on kvm2',
      'break file present: refusing to go on',
    ]);
    expect(failure.command).toContain('exit 4');
    expect(readFileSync(failure.log as string, 'utf8')).toContain('break file present');
    // kvm2 stopped there; the others ended their current step and started nothing more.
    const failedAt = events.indexOf(failed[0]!);
    expect(events.slice(failedAt).filter((e) => e.type === 'step-start')).toEqual([]);
    const startedAfter = events.filter((e) => e.type === 'step-start').length;
    const endedAfter = events.filter((e) => e.type === 'step-end').length;
    expect(endedAfter).toBe(startedAfter);
    const summary1 = events.at(-1)!;
    expect(summary1).toMatchObject({ type: 'summary', failed: 1, result: 'failed' });

    const status1 = statusOf(site);
    expect(status1.lastRun).toMatchObject({ result: 'failed' });
    expect(status1.steps.find((r) => r.id === 'break-point' && r.host === 'kvm2')).toMatchObject({
      status: 'failed',
    });
    expect(status1.steps.find((r) => r.id === 'libvirt-config' && r.host === 'kvm2')).toMatchObject(
      {
        status: 'pending',
      },
    );

    // The fix: remove the break file. The resume skips what was done and finishes.
    rmSync(join(site.root, 'break-kvm2'));
    const second = await install(site, ['--yes', '--json']);
    expect(second.stderr).toBe('');
    expect(second.exitCode).toBe(0);
    const ends2 = jsonEvents(second.stdout).filter((e) => e.type === 'step-end');
    expect(ends2.find((e) => e.id === 'break-point' && e.host === 'kvm2')).toMatchObject({
      status: 'changed',
    });
    // Every step that ended in the first run is skipped now, as done.
    for (const done of events.filter((e) => e.type === 'step-end' && e.status === 'changed')) {
      expect(ends2.find((e) => e.id === done.id && e.host === done.host)).toMatchObject({
        status: 'skipped',
        reason: 'done in an earlier run',
      });
    }
    expect(
      events.filter((e) => e.type === 'step-end' && e.status === 'changed').length,
    ).toBeGreaterThanOrEqual(4);
    // The repository is a closed loopback port: the steps needing it, and those requiring them, are blocked; the rest ran.
    for (const host of ['kvm1', 'kvm2', 'kvm3']) {
      expect(ends2.find((e) => e.id === 'agent-package' && e.host === host)).toMatchObject({
        status: 'blocked',
      });
      expect(
        String(ends2.find((e) => e.id === 'agent-package' && e.host === host)!.reason),
      ).toContain(`unreachable from ${host}`);
      expect(ends2.find((e) => e.id === 'agent-start' && e.host === host)).toMatchObject({
        status: 'blocked',
        reason: `requires agent-package on ${host}, which ended blocked`,
      });
      expect(['changed', 'ok', 'skipped']).toContain(
        ends2.find((e) => e.id === 'libvirt-config' && e.host === host)!.status,
      );
    }
    const summary2 = jsonEvents(second.stdout).at(-1)!;
    expect(summary2).toMatchObject({ type: 'summary', failed: 0, blocked: 6, result: 'completed' });
    expect(summary2.counts).toMatchObject({ failed: 0, blocked: 6 });

    // End state on the hosts.
    const secrets = stateOf(site).secrets;
    expect(Object.keys(secrets).sort()).toEqual([
      'ADMIN_PASSWORD',
      'CLOUD_DB_KEY',
      'CLOUD_DB_PASSWORD',
      'CLOUD_MGMT_KEY',
    ]);
    for (const value of Object.values(secrets)) expect(value).toMatch(/^[A-Za-z0-9]{24,}$/);
    expect(hostTree(site, 'kvm3')).toMatchObject({
      'etc/identity': '644 kvm3 172.16.10.5 kvm kvm3.cloud.internal\n',
      'etc/agent.properties': '640 host=172.16.10.2\nzone=Zone1\nname=kvm3.cloud.internal\n',
      'var/finished': '644 finished kvm\n',
    });
    expect(hostTree(site, 'mgmt')['etc/db.cnf']).toBe(
      `600 [client]\nuser=cloud\npassword=${secrets.CLOUD_DB_PASSWORD}\nhost=172.16.10.2\n`,
    );
    expect(hostTree(site, 'kvm1')['var/agent-package']).toBeUndefined();

    // A second complete run changes nothing.
    const third = await install(site, ['--yes', '--json']);
    clearInterval(poll);
    expect(third.exitCode).toBe(0);
    expect(jsonEvents(third.stdout).at(-1)).toMatchObject({
      type: 'summary',
      changed: 0,
      failed: 0,
    });

    const status3 = statusOf(site);
    expect(status3.lastRun).toMatchObject({ result: 'completed' });
    expect(status3.toRun).toBe(6);
    expect(status3.counts).toMatchObject({ failed: 0, blocked: 6, pending: 0 });

    // No secret anywhere but the state file: not in .runbook/, not in any output, not in ps.
    const stateDir = join(site.dir, '.runbook');
    expect(statSync(stateDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(stateDir, 'state.json')).mode & 0o777).toBe(0o600);
    const outputs = [first, second, third].map((r) => r.stdout + r.stderr).join('\n');
    for (const file of filesUnder(stateDir)) {
      expect(statSync(file).mode & 0o077).toBe(0);
      if (file.endsWith('state.json')) continue;
      const text = readFileSync(file, 'utf8');
      for (const value of Object.values(secrets))
        expect(text.includes(value), `${value} in ${file}`).toBe(false);
    }
    for (const value of Object.values(secrets)) {
      expect(outputs.includes(value)).toBe(false);
      expect(psOutputs.some((p) => p.includes(value))).toBe(false);
    }
    expect(readFileSync(join(stateDir, 'logs', 'mgmt', 'db-init.log'), 'utf8')).toContain(
      'initialising the database with password <secret>',
    );
    expect(psOutputs.length).toBeGreaterThan(10);
  });

  it('refuses a second installer on the same site, naming the PID that holds it', async () => {
    const site = newSite();
    const running = spawnInstall(site, ['--yes', '--json']);
    await waitForEvent(running, (e) => e.type === 'step-start');
    // Hold the first installer still, so it surely holds the lock while the second one starts.
    running.kill('SIGSTOP');
    try {
      const second = await install(site, ['--yes']);
      expect(second.exitCode).toBe(1);
      expect(second.stderr).toContain(`PID ${running.pid}`);
    } finally {
      running.kill('SIGCONT');
    }
    expect((await running).exitCode).toBe(0);
  });

  it('stops cleanly on Ctrl-C after the running step and says how to resume', async () => {
    const site = newSite();
    const running = spawnInstall(site, ['--yes']);
    await new Promise<void>((resolve) => {
      running.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('start    db-init')) resolve();
      });
    });
    running.kill('SIGINT');
    const result = await running;
    expect(result.exitCode).toBe(130);
    expect(String(result.stdout)).toMatch(/\[mgmt\] changed +db-init/);
    // Run from the site's folder: its site.yaml is the default, so the command needs no --site.
    expect(String(result.stdout).split('\n')).toContain(
      `Stopped on request. Resume with: runbook install --runbook ${RUNBOOK}`,
    );
    const resumed = await install(site, ['--yes']);
    expect(resumed.exitCode).toBe(0);
    expect(resumed.stdout).toMatch(/\[mgmt\] skipped +db-init in .* \(done in an earlier run\)/);
  });

  it('reports a host whose sshd dies mid-step, and resumes cleanly once it is back', async () => {
    const site = newSite();
    const mgmt = cluster.hosts[0]!;
    const running = spawnInstall(site, ['--yes', '--json']);
    await waitForEvent(running, (e) => e.type === 'step-start' && e.id === 'db-init');
    mgmt.kill();
    const result = await running;
    expect(result.exitCode).toBe(1);
    const failure = jsonEvents(String(result.stdout)).find(
      (e) => e.type === 'step-end' && e.status === 'failed',
    )!;
    expect(failure).toMatchObject({ id: 'db-init', host: 'mgmt' });
    expect(String(failure.reason)).toMatch(/connection to mgmt .*(closed|lost)/);
    await mgmt.start();
    const resumed = await install(site, ['--yes', '--json']);
    expect(resumed.exitCode).toBe(0);
    expect(
      jsonEvents(resumed.stdout).find((e) => e.type === 'step-end' && e.id === 'db-init'),
    ).toMatchObject({ status: 'changed' });
    expect(hostTree(site, 'mgmt')['var/db-ready']).toBe('644 ready\n');
    expect(existsSync(join(site.dir, '.runbook', 'lock'))).toBe(false);
  });
});
