// Per-step cost of the executor over its one reused SSH connection per host, against a plain
// `ssh host cmd` loop (OpenSSH client, BatchMode) and an OpenSSH ControlMaster loop, on the
// same loopback sshd hosts. Each step is trivial (`true`), so what is measured is overhead:
// the executor's bootstrap, journal fsyncs and events vs a new SSH login per command.
//   node bench/ssh-overhead.ts [STEPS]   (default 40)
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Executor } from '../src/executor/executor.ts';
import type { PlannedStep } from '../src/plan/model.ts';
import { makeClientKey, startHosts } from '../test/helpers/sshd.ts';
import { machinesFor, makePlan, sh, step } from '../test/executor/plan-fixture.ts';

const steps = Number(process.argv[2] ?? 40);
const key = makeClientKey();
const hosts = await startHosts(['bench1', 'bench2'], key, 90);
const work = mkdtempSync(join(tmpdir(), 'rb-bench-'));
const knownHosts = join(work, 'known_hosts');
for (const h of hosts) {
  const line = execFileSync('ssh-keyscan', ['-p', String(h.port), '-t', 'ed25519', h.address], {
    stdio: ['ignore', 'pipe', 'ignore'],
  }).toString();
  execFileSync('sh', ['-c', `cat >> ${knownHosts}`], { input: line });
}

const sshArgs = (h: (typeof hosts)[number], extra: string[] = []) => [
  '-o',
  'BatchMode=yes',
  '-o',
  `UserKnownHostsFile=${knownHosts}`,
  '-o',
  'StrictHostKeyChecking=yes',
  '-i',
  key.privateKey,
  '-p',
  String(h.port),
  ...extra,
  `root@${h.address}`,
];

/** Steps per host, hosts in parallel: the same shape the executor runs. */
async function perHost(run: (h: (typeof hosts)[number]) => Promise<void>): Promise<number> {
  const start = performance.now();
  await Promise.all(hosts.map(run));
  return (performance.now() - start) / steps;
}

const sshOnce = (args: string[]) =>
  new Promise<void>((resolve, reject) => {
    const child = spawn('ssh', args, { stdio: 'ignore' });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`ssh exited ${code}`))));
  });

async function plainLoop(): Promise<number> {
  return perHost(async (h) => {
    for (let i = 0; i < steps; i++) await sshOnce([...sshArgs(h), 'true']);
  });
}

async function controlMasterLoop(): Promise<number> {
  const socket = (h: (typeof hosts)[number]) => join(work, `cm-${h.name}`);
  for (const h of hosts)
    execFileSync(
      'ssh',
      sshArgs(h, [
        '-o',
        'ControlMaster=yes',
        '-o',
        `ControlPath=${socket(h)}`,
        '-o',
        'ControlPersist=60',
        '-N',
        '-f',
      ]),
    );
  const ms = await perHost(async (h) => {
    for (let i = 0; i < steps; i++)
      await sshOnce([...sshArgs(h, ['-o', `ControlPath=${socket(h)}`]), 'true']);
  });
  for (const h of hosts)
    execFileSync('ssh', sshArgs(h, ['-o', `ControlPath=${socket(h)}`, '-O', 'exit']), {
      stdio: 'ignore',
    });
  return ms;
}

async function executorRun(): Promise<number> {
  const names = hosts.map((h) => h.name);
  const plan = makePlan(
    machinesFor(hosts, key),
    Array.from({ length: steps }, (_, i): PlannedStep => step(`s${i}`, names, [sh('true')])),
  );
  const start = performance.now();
  const summary = await new Executor({ plan, confirmHostKey: async () => true }).run();
  const ms = (performance.now() - start) / steps;
  if (summary.changed !== steps * hosts.length)
    throw new Error(`executor run incomplete: ${JSON.stringify(summary.counts)}`);
  rmSync(join(plan.siteFile, '..'), { recursive: true, force: true });
  return ms;
}

try {
  await executorRun(); // warm-up: first connections, module loading
  await plainLoop();
  const results: Record<string, number[]> = { executor: [], plain: [], controlMaster: [] };
  for (let round = 0; round < 3; round++) {
    results.executor!.push(await executorRun());
    results.plain!.push(await plainLoop());
    results.controlMaster!.push(await controlMasterLoop());
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const e = median(results.executor!);
  const p = median(results.plain!);
  const c = median(results.controlMaster!);
  console.log(
    `ssh-overhead: ${steps} trivial steps on each of ${hosts.length} loopback sshd hosts, hosts in parallel, median of 3 rounds`,
  );
  console.log(
    `  executor (one ssh2 connection per host, journal fsync per step): ${e.toFixed(1)} ms/step`,
  );
  console.log(
    `  plain \`ssh -o BatchMode=yes host true\` loop:                      ${p.toFixed(1)} ms/step`,
  );
  console.log(
    `  OpenSSH ControlMaster loop (reused connection):                 ${c.toFixed(1)} ms/step`,
  );
  console.log(`  ratio executor / plain ssh loop: ${(e / p).toFixed(2)}`);
  console.log(`  ratio executor / ControlMaster loop: ${(e / c).toFixed(2)}`);
} finally {
  for (const h of hosts) h.cleanup();
  rmSync(work, { recursive: true, force: true });
  rmSync(key.dir, { recursive: true, force: true });
}
