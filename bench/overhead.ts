// Overhead on trivial steps: `runbook install` against the exported Ansible playbook
// (pipelining on, forks = hosts) and a plain `ssh host true` loop (hosts in parallel, steps in
// order, a new login per command), on 1, 4, 16 and 32 loopback sshd hosts. Each step is `true`,
// so what is measured is the cost of running a step, not the step. Also the installer's peak
// memory (max RSS of its process).
//   node bench/overhead.ts [--steps 100] [--hosts 1,4,16,32] [--ansible-hosts 1,4] [--rounds 1] [--json FILE]
import { execa } from 'execa';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { makeClientKey, startHosts, type FakeHost } from '../test/helpers/sshd.ts';
import { hostCpuMeter } from './host-cpu.ts';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '100' },
    hosts: { type: 'string', default: '1,4,16,32' },
    rounds: { type: 'string', default: '1' },
    json: { type: 'string' },
    /** Host counts Ansible runs on (it is by far the slowest; default: all of --hosts). */
    'ansible-hosts': { type: 'string' },
  },
});
const STEPS = Number(values.steps);
const COUNTS = values.hosts!.split(',').map(Number);
const ROUNDS = Number(values.rounds);
const ANSIBLE_COUNTS = (values['ansible-hosts'] ?? values.hosts!).split(',').filter(Boolean).map(Number);
const NODE = new URL('../node_modules/.bin/node', import.meta.url).pathname;
const CHILD = new URL('./install-child.ts', import.meta.url).pathname;
const EXPORT = new URL('../installer/commands/export.ts', import.meta.url).pathname;

const work = mkdtempSync(join(tmpdir(), 'rb-bench-overhead-'));
const key = makeClientKey();
const all = await startHosts(Array.from({ length: Math.max(...COUNTS) }, (_, i) => `b${i + 1}`), key, 140);
const knownHosts = join(work, 'known_hosts');
const hostCpu = hostCpuMeter(all.map((h) => h.pid!));
// The sshd processes run detached (their own process group): stopping the bench with Ctrl-C
// or a TERM must stop them too, or they keep their ports and CPU after the bench is gone.
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    if ('close' in hostCpu) hostCpu.close();
    for (const h of all) h.cleanup();
    rmSync(work, { recursive: true, force: true });
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
if ('unavailable' in hostCpu) console.log(`host-side CPU: not measured (${hostCpu.unavailable})`);
writeFileSync(knownHosts, all.map((h) => execFileSync('ssh-keyscan', ['-p', String(h.port), '-t', 'ed25519', h.address], { stdio: ['ignore', 'pipe', 'ignore'] }).toString()).join(''));

// The runbook: one page, STEPS trivial steps on every machine.
const runbook = join(work, 'runbook');
mkdirSync(runbook);
const body = Array.from({ length: STEPS }, (_, i) => `:::step[Trivial step ${i + 1}]{#t-${i + 1} on="all"}\n\`\`\`sh\ntrue\n\`\`\`\n:::\n`).join('\n');
writeFileSync(join(runbook, 'trivial.mdx'), `---\ntitle: Trivial steps\nsidebar: { order: 1 }\n---\n\n${body}`);

function siteFor(hosts: FakeHost[], tag: string): string {
  const dir = mkdtempSync(join(work, `site-${tag}-`));
  const machine = (h: FakeHost, i: number) => `{ address: 172.16.${Math.floor((i + 2) / 250)}.${((i + 2) % 250) + 1}, hostname: ${h.name}, ssh: { host: ${h.address}, port: ${h.port} } }`;
  const [mgmt, ...kvms] = hosts;
  const lines = [
    'name: bench',
    'network: { cidr: 172.16.0.0/16, gateway: 172.16.0.1 }',
    'zone: { public: 172.16.200.11-172.16.200.20, pod: 172.16.200.21-172.16.200.30 }',
    `management: ${machine(mgmt!, 0)}`,
    kvms.length ? 'hosts:' : 'hosts: []',
    ...kvms.map((h, i) => `  - ${machine(h, i + 1)}`),
    `ssh: { user: root, identity: ${key.privateKey} }`,
  ];
  writeFileSync(join(dir, 'site.yaml'), `${lines.join('\n')}\n`);
  mkdirSync(join(dir, '.runbook'), { mode: 0o700 });
  writeFileSync(join(dir, '.runbook', 'known_hosts'), '');
  return join(dir, 'site.yaml');
}

interface InstallMeasure {
  ms: number;
  maxRssMb: number;
  /** CPU time of the installer's own process. */
  cpuMs: number;
  /** How busy the whole machine was meanwhile (all cores; the fake hosts' sshd included). */
  machineBusy: number;
  /** CPU the fake hosts spent (sshd and the step programs), when the cgroup meter works. */
  hostCpuMs?: number;
}

/** Busy and total jiffies of all CPUs, from /proc/stat. */
function cpuTicks(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = fields[3]! + (fields[4] ?? 0);
  const total = fields.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

async function installer(hosts: FakeHost[]): Promise<InstallMeasure> {
  const site = siteFor(hosts, 'install');
  const ticks = cpuTicks();
  const hostBefore = 'usageNs' in hostCpu ? hostCpu.usageNs() : undefined;
  const start = performance.now();
  // RB_BENCH_PROFILE=DIR: a CPU profile of each install (node --cpu-prof) lands in DIR.
  const profile = process.env.RB_BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.RB_BENCH_PROFILE] : [];
  const r = await execa(NODE, [...profile, CHILD, site, runbook], { reject: false });
  const ms = performance.now() - start;
  const after = cpuTicks();
  const hostCpuMs = hostBefore !== undefined && 'usageNs' in hostCpu ? (hostCpu.usageNs() - hostBefore) / 1e6 : undefined;
  if (r.exitCode !== 0) throw new Error(`runbook install failed: ${r.stderr}`);
  const child = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { changed: number; maxRssKb: number; cpuUs: number };
  if (child.changed !== STEPS * hosts.length) throw new Error(`runbook install ran ${child.changed} steps, not ${STEPS * hosts.length}`);
  const machineBusy = (after.busy - ticks.busy) / Math.max(1, after.total - ticks.total);
  return { ms, maxRssMb: child.maxRssKb / 1024, cpuMs: child.cpuUs / 1000, machineBusy, ...(hostCpuMs !== undefined ? { hostCpuMs } : {}) };
}

async function ansible(hosts: FakeHost[]): Promise<number> {
  const site = siteFor(hosts, 'ansible');
  const out = join(site, '..', 'ansible');
  await execa(NODE, ['-e', `const m = await import(${JSON.stringify(EXPORT)}); process.exitCode = await m.run({ site: ${JSON.stringify(site)}, runbook: ${JSON.stringify(runbook)}, format: 'ansible', plainSecrets: true, out: ${JSON.stringify(out)} })`]);
  const done = join(site, '..', 'done');
  const start = performance.now();
  const r = await execa('ansible-playbook', ['site.yml', '-f', String(hosts.length), '-e', `runbook_done_dir=${done}`], {
    cwd: out,
    reject: false,
    env: { ANSIBLE_HOST_KEY_CHECKING: 'False', ANSIBLE_NOCOLOR: '1', ANSIBLE_SSH_ARGS: `-C -o ControlMaster=auto -o ControlPersist=60s -o UserKnownHostsFile=${knownHosts}` },
  });
  const ms = performance.now() - start;
  const changed = [...r.stdout.matchAll(/changed=(\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
  if (r.exitCode !== 0 || changed !== STEPS * hosts.length) throw new Error(`ansible-playbook: exit ${r.exitCode}, changed=${changed}\n${r.stdout.slice(-2000)}`);
  return ms;
}

async function sshLoop(hosts: FakeHost[]): Promise<number> {
  const start = performance.now();
  await Promise.all(
    hosts.map(async (h) => {
      for (let i = 0; i < STEPS; i++) {
        await execa('ssh', ['-o', 'BatchMode=yes', '-o', `UserKnownHostsFile=${knownHosts}`, '-i', key.privateKey, '-p', String(h.port), `root@${h.address}`, 'true']);
      }
    }),
  );
  return performance.now() - start;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export interface OverheadRow {
  hosts: number;
  installMs: number;
  installMaxRssMb: number;
  installCpuMs: number;
  /** Share of all cores busy during the install (0..1). */
  machineBusy: number;
  /** CPU the fake hosts spent per step and host (sshd, shells, the step), when measured. */
  hostCpuMsPerStep?: number;
  /** The installer's own CPU per step and host. */
  installCpuMsPerStep: number;
  ansibleMs?: number;
  sshLoopMs: number;
}

const rows: OverheadRow[] = [];
try {
  await installer(all.slice(0, 1)); // warm-up: module loading, first logins
  for (const n of COUNTS) {
    const hosts = all.slice(0, n);
    const inst: InstallMeasure[] = [];
    const ans: number[] = [];
    const loop: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      inst.push(await installer(hosts));
      loop.push(await sshLoop(hosts));
      if (ANSIBLE_COUNTS.includes(n)) ans.push(await ansible(hosts));
    }
    const row: OverheadRow = {
      hosts: n,
      installMs: median(inst.map((x) => x.ms)),
      installMaxRssMb: Math.max(...inst.map((x) => x.maxRssMb)),
      installCpuMs: median(inst.map((x) => x.cpuMs)),
      machineBusy: median(inst.map((x) => x.machineBusy)),
      installCpuMsPerStep: median(inst.map((x) => x.cpuMs)) / (STEPS * n),
      ...(inst[0]!.hostCpuMs !== undefined ? { hostCpuMsPerStep: median(inst.map((x) => x.hostCpuMs!)) / (STEPS * n) } : {}),
      ...(ans.length ? { ansibleMs: median(ans) } : {}),
      sshLoopMs: median(loop),
    };
    rows.push(row);
    const ratio = (x?: number) => (x ? `${(x / row.installMs).toFixed(1)}x` : 'n/a');
    console.log(
      `${String(n).padStart(2)} hosts x ${STEPS} steps: install ${(row.installMs / 1000).toFixed(2)} s (max RSS ${row.installMaxRssMb.toFixed(0)} MB, own CPU ${(row.installCpuMs / 1000).toFixed(1)} s, machine ${(row.machineBusy * 100).toFixed(0)}% busy;` +
        ` per step and host: installer ${row.installCpuMsPerStep.toFixed(1)} ms CPU, host ${row.hostCpuMsPerStep?.toFixed(1) ?? '?'} ms CPU)` +
        ` | ansible ${row.ansibleMs ? (row.ansibleMs / 1000).toFixed(1) : '-'} s (${ratio(row.ansibleMs)})` +
        ` | ssh loop ${(row.sshLoopMs / 1000).toFixed(2)} s (${ratio(row.sshLoopMs)})`,
    );
  }
  if (values.json) writeFileSync(values.json, JSON.stringify({ steps: STEPS, rounds: ROUNDS, rows }, null, 2));
} finally {
  if ('close' in hostCpu) hostCpu.close();
  for (const h of all) h.cleanup();
  rmSync(key.dir, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
}
