// What an operator sees on a first run, through the real binary on a real sshd (loopback):
// `--yes` shows each fingerprint it trusts, preflight does not say "All checks passed." over a
// warning, preflight checks run on every install (never "done in an earlier run"), and
// `runbook status` shows the step a live installer is running as running.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../helpers/sshd.ts';
import { NODE, REPO, RUNBOOK_BIN, runbookCli } from '../helpers/cli.ts';

const RUNBOOK = join(REPO, 'test/fixtures/runbook-preflight');
let cluster: Cluster;
const dirs: string[] = [];

beforeAll(async () => {
  cluster = await startCluster(['mgmt'], 245);
});
afterAll(() => {
  cluster?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface TestSite {
  dir: string;
  file: string;
  /** Where the fake host keeps this site's files. */
  root: string;
}

function newSite(): TestSite {
  const dir = mkdtempSync(join(tmpdir(), 'rb-first-'));
  const name = `f${Math.random().toString(36).slice(2, 10)}`;
  const mgmt = cluster.hosts[0]!;
  const file = join(dir, 'site.yaml');
  writeFileSync(
    file,
    [
      `name: ${name}`,
      `management: { address: 172.16.10.2, hostname: mgmt, ssh: { host: ${mgmt.address}, port: ${mgmt.port} } }`,
      `ssh: { user: root, identity: ${cluster.key.privateKey} }`,
      '',
    ].join('\n'),
  );
  const root = join('/tmp/rb-preflight', name, 'mgmt');
  dirs.push(dir, join('/tmp/rb-preflight', name));
  return { dir, file, root };
}

const cli = (site: TestSite, args: string[]) => runbookCli([...args, '--site', site.file, '--runbook', RUNBOOK], { cwd: site.dir });

function fingerprint(): string {
  const pub = join(cluster.hosts[0]!.dir, 'ssh_host_ed25519_key.pub');
  return execFileSync('ssh-keygen', ['-lf', pub]).toString().split(' ')[1]!;
}

describe('a first run', () => {
  it('--yes prints the fingerprint of each host key it accepts, once', async () => {
    const site = newSite();
    const first = await cli(site, ['preflight', '--yes']);
    expect(first.stderr).toContain(`mgmt: first contact, host key ${fingerprint()} accepted (--yes).`);
    expect(first.stderr).toContain('ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub');
    const again = await cli(site, ['install', '--yes']);
    expect(again.exitCode).toBe(0);
    expect(again.stderr).not.toContain('first contact');
  });

  it('without --yes and without a terminal, refuses naming the fingerprint and the command that accepts it', async () => {
    const site = newSite();
    const r = await cli(site, ['preflight']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain(`mgmt is not known yet (host key ${fingerprint()})`);
    // Run from the site's folder, where its site.yaml is the default: no --site needed.
    expect(r.stdout).toContain(`then accept it: runbook preflight --runbook ${RUNBOOK} --yes`);
  });

  it('preflight with a warning says so instead of "All checks passed."', async () => {
    const site = newSite();
    const r = await cli(site, ['preflight', '--yes']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/WARN {2}mgmt +The clock is close enough {2}the clock is 3 s off \(a test warning\)/);
    expect(r.stdout).toMatch(/PASS {2}mgmt +The machine answers/);
    expect(r.stdout).not.toContain('All checks passed');
    expect(r.stdout).toContain(`No check failed; 1 warned (WARN above): read them, then install with: runbook install --runbook ${RUNBOOK}`);
  });

  it('runs the preflight checks on every install; finished work steps are skipped', async () => {
    const site = newSite();
    const first = await cli(site, ['install', '--yes']);
    expect(first.exitCode).toBe(0);
    const second = await cli(site, ['install']);
    expect(second.exitCode).toBe(0);
    expect(second.stdout).toMatch(/\[mgmt\] ok +preflight-answers/);
    expect(second.stdout).toMatch(/\[mgmt\] ok +preflight-clock/);
    expect(second.stdout).not.toMatch(/skipped +preflight-/);
    expect(second.stdout).toMatch(/\[mgmt\] skipped +work-wait .*\(done in an earlier run\)/);
    expect(readFileSync(join(site.root, 'preflight-runs'), 'utf8')).toBe('ran\nran\n');
    const dry = await cli(site, ['install', '--dry-run']);
    expect(dry.stdout).toMatch(/preflight-answers.*a preflight check: runs every time/);
  });

  it('status shows the step a live installer is running as running', async () => {
    const site = newSite();
    const warm = await cli(site, ['preflight', '--yes']); // trust the host key first
    expect(warm.exitCode).toBe(0);
    writeFileSync(join(site.root, 'hold'), '');
    const installer = execa(NODE, [RUNBOOK_BIN, 'install', '--json', '--site', site.file, '--runbook', RUNBOOK], { cwd: site.dir, reject: false, timeout: 60_000 });
    try {
      await new Promise<void>((resolve, reject) => {
        installer.stdout?.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('"type":"step-start","id":"work-wait"')) resolve();
        });
        void installer.then((r) => reject(new Error(`the installer ended early: ${String(r.stderr)}`)));
      });
      const status = await cli(site, ['status']);
      expect(status.exitCode).toBe(0);
      expect(status.stdout).toMatch(new RegExp(`: running \\(PID ${installer.pid}\\)`));
      expect(status.stdout).toMatch(/^work-wait +running$/m);
      expect(status.stdout).toMatch(/^preflight-answers +ok$/m);
      expect(status.stdout).toContain('Running now: work-wait on mgmt');
      const json = JSON.parse((await cli(site, ['status', '--json'])).stdout) as { steps: { id: string; status: string }[]; counts: Record<string, number> };
      expect(json.steps.find((s) => s.id === 'work-wait')?.status).toBe('running');
      expect(json.counts.running).toBe(1);
    } finally {
      writeFileSync(join(site.root, 'go'), '');
    }
    expect((await installer).exitCode).toBe(0);
    expect(existsSync(join(site.root, 'work'))).toBe(true);
    const after = await cli(site, ['status']);
    expect(after.stdout).toMatch(/^work-wait +changed$/m);
    expect(after.stdout).toContain('Everything is done.');
  });
});
