// Secrets and file modes over real installs: the generated passwords never show in output
// (success or failure), the journal, logs, plan, status, exports (outside a 0600 file) or any
// process's command line (the installer's and the target's, sampled during the steps); every
// state file is 0600 in a 0700 directory. Host keys: a changed key is refused even with --yes.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runbookCli } from '../../helpers/cli.ts';
import { makeSite, startCluster, stateOf, type Cluster, type Site } from '../../executor/cluster.ts';
import { recordTrial, trackTrials } from '../results.ts';
import { SHORT_RUNBOOK, runInstall, stackTraceLines } from '../helpers.ts';

let cluster: Cluster;
const sites: Site[] = [];
beforeAll(async () => {
  cluster = await startCluster(160);
});
afterAll(() => {
  for (const s of sites) s.cleanup();
  cluster?.stop();
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const full = join(dir, e);
    return statSync(full).isDirectory() ? [full, ...filesUnder(full)] : [full];
  });
}

/** Every process's command line, read from /proc like `ps -eww` does. */
function commandLines(): string {
  const out: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      out.push(readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' '));
    } catch {
      // ended meanwhile
    }
  }
  return out.join('\n');
}

describe('secrets', () => {
  it('never leave the state file: output, failures, logs, journal, plan, status, exports, process lists', async () => {
    const site = makeSite(cluster, 'sec', 2);
    sites.push(site);
    mkdirSync(site.root, { recursive: true });
    writeFileSync(join(site.root, 'break-kvm1'), '');
    const samples: string[] = [];
    const poll = setInterval(() => {
      samples.push(commandLines());
      samples.push(execFileSync('ps', ['-eww', '-o', 'args']).toString());
    }, 25);
    let outputs = '';
    try {
      const failed = await runInstall(site, ['--yes']);
      outputs += failed.stdout + failed.stderr;
      expect(failed.exitCode).toBe(1);
      expect(failed.stdout).toContain('refusing, the password was <secret>');
      expect(stackTraceLines(outputs)).toEqual([]);
      rmSync(join(site.root, 'break-kvm1'));
      const resumed = await runInstall(site, ['--yes', '--json']);
      outputs += resumed.stdout + resumed.stderr;
      expect(resumed.exitCode).toBe(0);
    } finally {
      clearInterval(poll);
    }
    const secrets = Object.values(stateOf(site).secrets);
    expect(secrets.length).toBeGreaterThan(0);

    const plan = await runbookCli(['plan', '--site', site.file, '--runbook', SHORT_RUNBOOK, '--json'], { cwd: site.dir });
    const status = await runbookCli(['status', '--site', site.file, '--runbook', SHORT_RUNBOOK, '--json'], { cwd: site.dir });
    expect(plan.exitCode).toBe(0);
    expect(plan.stdout).toContain('<secret>');
    outputs += plan.stdout + plan.stderr + status.stdout + status.stderr;

    const exported: string[] = [];
    for (const format of ['bash', 'ansible']) {
      const out = join(site.dir, `export-${format}`);
      const r = await runbookCli(['export', '--site', site.file, '--runbook', SHORT_RUNBOOK, '--format', format, '--out', out], { cwd: site.dir });
      expect(r.exitCode, r.stderr).toBe(0);
      outputs += r.stdout + r.stderr;
      exported.push(...filesUnder(out).filter((f) => statSync(f).isFile()));
    }

    const leaks: string[] = [];
    const stateDir = join(site.dir, '.runbook');
    for (const file of filesUnder(stateDir)) {
      const mode = statSync(file).mode & 0o777;
      if (statSync(file).isDirectory()) {
        if (mode !== 0o700) leaks.push(`${file} is ${mode.toString(8)}, not 700`);
        continue;
      }
      if (mode !== 0o600) leaks.push(`${file} is ${mode.toString(8)}, not 600`);
      if (file.endsWith('state.json')) continue;
      const text = readFileSync(file, 'utf8');
      for (const s of secrets) if (text.includes(s)) leaks.push(`secret in ${file}`);
    }
    if ((statSync(stateDir).mode & 0o777) !== 0o700) leaks.push('.runbook is not 700');
    for (const file of exported) {
      const text = readFileSync(file, 'utf8');
      if (secrets.some((s) => text.includes(s)) && (statSync(file).mode & 0o077) !== 0)
        leaks.push(`secret in ${file}, readable by others`);
    }
    for (const s of secrets) {
      if (outputs.includes(s)) leaks.push('secret in command output');
      if (samples.some((p) => p.includes(s))) leaks.push('secret in a process command line');
    }
    recordTrial({
      area: 'trust',
      scenario: `secrets in output, failure reports, logs, journal, plan, status, exports and ${samples.length} process-list samples; state file modes`,
      expected: 'secrets only in the 0600 state file (and 0600 export secret files); .runbook/ 0700, every file 0600',
      runs: 1,
      passed: leaks.length === 0 ? 1 : 0,
      notes: leaks.slice(0, 3).join('; ') || undefined,
    });
    expect(samples.length).toBeGreaterThan(20);
    expect(leaks).toEqual([]);
  }, 120_000);
});

describe('host keys', () => {
  it('a changed host key stops the run even with --yes, and the recorded key stays', async () => {
    const site = makeSite(cluster, 'hk', 2);
    sites.push(site);
    expect((await runInstall(site)).exitCode).toBe(0);
    const knownHosts = join(site.dir, '.runbook', 'known_hosts');
    const recorded = readFileSync(knownHosts, 'utf8');
    const kvm1 = cluster.hosts[1]!;
    await trackTrials(
      {
        area: 'trust',
        scenario: 'host key of a known host replaced (reinstall or impostor), install run with --yes',
        expected: 'exit 1 naming the host and both fingerprints; nothing run on it; known_hosts unchanged',
      },
      3,
      async () => {
        kvm1.newHostKey();
        await kvm1.restart();
        // A step that must run on kvm1 (a complete site has nothing left to run anywhere).
        const r = await runInstall(site, ['--yes', '--only', 'slow-work']);
        expect(r.exitCode).toBe(1);
        expect(r.stdout + r.stderr).toMatch(/host key of kvm1 .* has CHANGED: recorded SHA256:\S+, now SHA256:\S+/);
        expect(readFileSync(knownHosts, 'utf8')).toBe(recorded);
      },
    );
  }, 120_000);
});
