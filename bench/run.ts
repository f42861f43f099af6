// `npm run bench`: every benchmark of this folder, each in its own process, and the results
// with the machine, the date and the commands in bench/results.md.
//   node bench/run.ts [--steps 100] [--hosts 1,4,16,32] [--ansible-hosts LIST] [--rounds 1] [--skip-docs]
import { execa } from 'execa';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { OverheadRow } from './overhead.ts';
import type { StartupResult } from './cli-startup.ts';
import type { DocsBuildResult } from './docs-build.ts';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '100' },
    hosts: { type: 'string', default: '1,4,16,32' },
    'ansible-hosts': { type: 'string' },
    rounds: { type: 'string', default: '1' },
    'skip-docs': { type: 'boolean', default: false },
  },
});
const NODE = new URL('../node_modules/.bin/node', import.meta.url).pathname;
const HERE = new URL('.', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'rb-bench-run-'));

/** First line a tool prints for its version (ssh -V prints on stderr). */
const version = (cmd: string, args: string[]) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error) return `${cmd}: not installed`;
  return `${r.stdout}${r.stderr}`.split('\n')[0]!.trim();
};

async function step(label: string, script: string, args: string[]): Promise<{ command: string; ok: boolean }> {
  const command = `node bench/${script} ${args.join(' ')}`.trim();
  process.stdout.write(`\n## ${label}: ${command}\n`);
  const r = await execa(NODE, [join(HERE, script), ...args], { stdio: 'inherit', reject: false });
  return { command, ok: r.exitCode === 0 };
}

const started = new Date();
const loadBefore = loadavg();
const startupJson = join(tmp, 'startup.json');
const overheadJson = join(tmp, 'overhead.json');
const docsJson = join(tmp, 'docs.json');
const overheadArgs = ['--steps', values.steps!, '--hosts', values.hosts!, '--rounds', values.rounds!, ...(values['ansible-hosts'] ? ['--ansible-hosts', values['ansible-hosts']] : []), '--json', overheadJson];
const runs = {
  startup: await step('CLI cold start', 'cli-startup.ts', ['--json', startupJson]),
  overhead: await step('Overhead on trivial steps', 'overhead.ts', overheadArgs),
  docs: values['skip-docs'] ? { command: '(skipped: --skip-docs)', ok: false } : await step('Docs build', 'docs-build.ts', ['--json', docsJson]),
};
const loadAfter = loadavg();
const read = <T>(file: string): T | undefined => {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
};
const startup = read<StartupResult>(startupJson);
const overhead = read<{ steps: number; rounds: number; rows: OverheadRow[] }>(overheadJson);
const docs = read<DocsBuildResult>(docsJson);

const s = (ms: number | undefined, digits = 2) => (ms === undefined ? 'not run' : `${(ms / 1000).toFixed(digits)} s`);
const x = (a: number | undefined, b: number) => (a === undefined ? 'n/a' : `${(a / b).toFixed(1)}×`);
const verdict = (ok: boolean) => (ok ? 'met' : '**not met**');

const lines: string[] = [
  '# Benchmark results',
  '',
  `Run with \`npm run bench\` (node bench/run.ts) on ${started.toISOString().replace('T', ' ').slice(0, 16)} UTC.`,
  '',
  '## Machine',
  '',
  `- CPU: ${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} cores; memory ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Linux ${release()}`,
  `- Load average (1 min) before / after: ${loadBefore[0]!.toFixed(1)} / ${loadAfter[0]!.toFixed(1)} (1-minute averages: "after" includes the benchmark's own load; a high "before" means other work was running or had just stopped)`,
  `- Node ${process.version}; ${version('ansible-playbook', ['--version'])}; ${version('ssh', ['-V'])}`,
  '',
  '## Commands',
  '',
  ...Object.values(runs).map((r) => `- \`${r.command}\`${r.ok ? '' : ' (did not complete; see below)'}`),
  '',
];

lines.push('## (a) Overhead: trivial steps on loopback sshd hosts', '');
if (overhead) {
  lines.push(
    `${overhead.steps} steps of \`true\` on every host, ${overhead.rounds} round(s), median wall time. \`runbook install\` runs in its own process (fresh state, so every step runs); the Ansible playbook is the one \`runbook export --format ansible\` writes (pipelining on, \`-f\` = hosts; one task per step); the ssh loop runs \`ssh host true\` once per step, hosts in parallel.`,
    '',
    '| hosts | runbook install | peak RSS | installer CPU | hosts\' CPU per step | machine busy | Ansible | Ansible ÷ install | ssh loop | ssh loop ÷ install |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...overhead.rows.map((r) => `| ${r.hosts} | ${s(r.installMs)} | ${r.installMaxRssMb.toFixed(0)} MB | ${s(r.installCpuMs, 1)} | ${r.hostCpuMsPerStep === undefined ? 'not measured' : `${r.hostCpuMsPerStep.toFixed(1)} ms`} | ${(r.machineBusy * 100).toFixed(0)} % | ${s(r.ansibleMs, 1)} | ${x(r.ansibleMs, r.installMs)} | ${s(r.sshLoopMs)} | ${x(r.sshLoopMs, r.installMs)} |`),
    '',
  );
  const one = overhead.rows.find((r) => r.hosts === 1);
  const most = overhead.rows.at(-1)!;
  const worstAnsible = Math.min(...overhead.rows.filter((r) => r.ansibleMs).map((r) => r.ansibleMs! / r.installMs));
  const worstLoop = Math.min(...overhead.rows.map((r) => r.sshLoopMs / r.installMs));
  lines.push('Targets:', '');
  lines.push(`- at least 5× faster than Ansible: ${Number.isFinite(worstAnsible) ? `${worstAnsible.toFixed(1)}× at worst, ${verdict(worstAnsible >= 5)}` : 'Ansible not run'}`);
  lines.push(`- at least 2× faster than the ssh loop: ${worstLoop.toFixed(1)}× at worst, ${verdict(worstLoop >= 2)}`);
  if (one && most.hosts > 1) lines.push(`- ${most.hosts} hosts in less than 1.5× the time of 1 host: ${(most.installMs / one.installMs).toFixed(2)}×, ${verdict(most.installMs / one.installMs < 1.5)}`);
  if (one && most.hosts > 1)
    lines.push(
      `- installer CPU per host-step: ${((one.installCpuMs / (overhead.steps * one.hosts))).toFixed(1)} ms at ${one.hosts} host, ${(most.installCpuMs / (overhead.steps * most.hosts)).toFixed(1)} ms at ${most.hosts}; the machine was ${(one.machineBusy * 100).toFixed(0)} % busy at ${one.hosts} host and ${(most.machineBusy * 100).toFixed(0)} % at ${most.hosts} (the fake hosts' sshd and shells run on the same cores as the installer, so a busy machine means they, not the installer, set the pace)`,
    );
  if (one && most.hosts > 1 && most.hostCpuMsPerStep !== undefined) {
    // All the CPU the run needed (installer + every fake host), spread perfectly over the cores:
    // no scheduler can finish sooner, so this bounds the ratio from below on this machine.
    const floorMs = (most.installCpuMs + most.hostCpuMsPerStep * overhead.steps * most.hosts) / cpus().length;
    lines.push(
      `- the CPU floor at ${most.hosts} hosts: the installer and the fake hosts together needed ${s(most.installCpuMs + most.hostCpuMsPerStep * overhead.steps * most.hosts, 1)} of CPU, so on ${cpus().length} cores no run can take less than ${s(floorMs, 1)}, ${(floorMs / one.installMs).toFixed(2)}× the 1-host time. On real machines each host brings its own CPU and this floor does not exist.`,
    );
  }
  lines.push('');
} else {
  lines.push('Did not complete; see the console output of `npm run bench`.', '');
}

lines.push('## (b) CLI cold start', '');
if (startup) {
  lines.push(
    `Median of ${startup.runs} fresh processes each (after one warm-up run for the page cache).`,
    '',
    '| command | time | ÷ `node -e 0` |',
    '|---|---:|---:|',
    `| \`node -e 0\` (floor) | ${startup.floorMs.toFixed(0)} ms | 1.0× |`,
    `| \`runbook --help\` (the command setup installs) | ${startup.helpMs.toFixed(0)} ms | ${x(startup.helpMs, startup.floorMs)} |`,
    `| \`node installer/bin/runbook.js --help\` (direct) | ${startup.directHelpMs.toFixed(0)} ms | ${x(startup.directHelpMs, startup.floorMs)} |`,
    `| \`npx runbook --help\` in the checkout (the old README command) | ${startup.npxHelpMs.toFixed(0)} ms | ${x(startup.npxHelpMs, startup.floorMs)} |`,
    `| \`runbook plan\` (bundled runbook, default site) | ${startup.planMs.toFixed(0)} ms | ${x(startup.planMs, startup.floorMs)} |`,
    '',
    `The wizard's first frame (\`runbook\` on a terminal until its welcome screen): ${startup.wizardMs.toFixed(0)} ms, ${x(startup.wizardMs, startup.terminalFloorMs)} a \`node -e\` printing at once on the same kind of terminal (${startup.terminalFloorMs.toFixed(0)} ms).`,
    '',
  );
} else lines.push('Did not complete.', '');

lines.push('## (c) Docs build', '');
if (!docs) lines.push('**Pending**: not run.', '');
else if ('pending' in docs) lines.push(`**Pending**: ${docs.pending}.`, '');
else
  lines.push(
    `\`npm run docs:build\`: ${s(docs.totalMs, 1)} for ${docs.pages} HTML pages in ${docs.locales.length} locales (${docs.locales.join(', ')}): ${docs.msPerPage.toFixed(0)} ms per page, ${s(docs.msPerLocale, 1)} per locale.`,
    '',
  );

const notes = join(HERE, 'NOTES.md');
try {
  lines.push(readFileSync(notes, 'utf8').trim(), '');
} catch {
  // no notes
}
writeFileSync(join(HERE, 'results.md'), `${lines.join('\n')}\n`);
rmSync(tmp, { recursive: true, force: true });
process.stdout.write(`\nWrote bench/results.md\n`);
