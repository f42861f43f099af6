// Cold start of the documented command, `runbook` as `npm run setup` installs it (the shell
// wrapper of scripts/install-command.sh, found through the PATH), beside its peers run the same
// way: the floor `node -e 0` of the same Node, the direct call `node installer/bin/runbook.js`
// (the wrapper should cost nothing over it), and the command README named before, `npx runbook`.
// The wizard's first frame is timed on a pseudo terminal (util-linux `script`) until "Welcome"
// is on it, beside a program that prints "Welcome" at once on the same kind of terminal.
// Each command runs in a fresh process, several times, all of them in turn (side by side); the
// median of each is reported, with its ratio to its floor.
//   node bench/cli-startup.ts [--runs 10] [--json FILE]
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' }, json: { type: 'string' } } });
const RUNS = Number(values.runs);
const ROOT = new URL('..', import.meta.url).pathname;
const NODE = join(ROOT, 'node_modules/.bin/node');
const BIN = join(ROOT, 'installer/bin/runbook.js');

const work = mkdtempSync(join(tmpdir(), 'rb-bench-cli-'));
const site = join(work, 'site.yaml');
writeFileSync(site, 'name: bench\n');
// The command exactly as setup writes it, into a folder of ours instead of npm's global one.
const binDir = join(work, 'bin');
execFileSync('bash', [join(ROOT, 'scripts/install-command.sh')], { env: { ...process.env, RUNBOOK_BIN_DIR: binDir }, stdio: 'ignore' });
const env = { ...process.env, PATH: `${binDir}:${process.env.PATH}` };

function timeOf(command: string, args: string[], cwd = work): number {
  const start = performance.now();
  execFileSync(command, args, { stdio: ['ignore', 'ignore', 'ignore'], cwd, env });
  return performance.now() - start;
}

/** Wall time from spawning `command` on a pseudo terminal until `marker` is on its screen. */
function timeToScreen(command: string, marker: RegExp): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: work, env: { ...env, COLUMNS: '100', LINES: '30' } });
    let screen = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no ${marker} within 20 s: ${screen.slice(-300)}`));
    }, 20_000);
    child.stdout.on('data', (chunk: Buffer) => {
      screen += chunk.toString();
      if (!marker.test(screen)) return;
      const ms = performance.now() - start;
      clearTimeout(timer);
      child.kill('SIGKILL');
      resolve(ms);
    });
  });
}

type Measure = () => number | Promise<number>;

/**
 * Medians of several measures taken side by side: round after round, each measure once, so that
 * whatever else the machine does weighs on all of them alike. `fewer` run only `few` rounds.
 */
async function medians<K extends string>(measures: Record<K, Measure>, fewer: NoInfer<K>[] = [], few = 5): Promise<Record<K, number>> {
  const keys = Object.keys(measures) as K[];
  for (const k of keys) await measures[k](); // warms the page cache; "cold" means a fresh process
  const samples = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; round < RUNS; round++) {
    for (const k of keys) if (round < few || !fewer.includes(k)) samples[k].push(await measures[k]());
  }
  const mid = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return Object.fromEntries(keys.map((k) => [k, mid(samples[k])])) as Record<K, number>;
}

export interface StartupResult {
  runs: number;
  floorMs: number;
  /** `runbook --help` through the PATH, as setup installs it. */
  helpMs: number;
  /** `node installer/bin/runbook.js --help`: the same without the wrapper. */
  directHelpMs: number;
  /** `npx runbook --help` in the checkout, the command README named before. */
  npxHelpMs: number;
  planMs: number;
  /** `runbook` alone on a terminal until the wizard's welcome screen shows. */
  wizardMs: number;
  /** A program printing "Welcome" at once, on the same kind of terminal: the wizard's floor. */
  terminalFloorMs: number;
}

try {
  const m = await medians(
    {
      floorMs: () => timeOf(NODE, ['-e', '0']),
      helpMs: () => timeOf('runbook', ['--help']),
      directHelpMs: () => timeOf(NODE, [BIN, '--help']),
      npxHelpMs: () => timeOf('npx', ['runbook', '--help'], ROOT),
      planMs: () => timeOf('runbook', ['plan', '--site', site]),
      wizardMs: () => timeToScreen(`runbook --site ${site}`, /Welcome/),
      terminalFloorMs: () => timeToScreen(`${NODE} -e "console.log('Welcome')"`, /Welcome/),
    },
    ['npxHelpMs'],
    Math.min(RUNS, 5),
  );
  const result: StartupResult = { runs: RUNS, ...m };
  const line = (label: string, ms: number, floor = result.floorMs, floorName = 'node -e 0') =>
    `${label.padEnd(38)} ${ms.toFixed(0).padStart(6)} ms  (${(ms / floor).toFixed(1)}x ${floorName})`;
  console.log(line('node -e 0', result.floorMs));
  console.log(line('runbook --help', result.helpMs));
  console.log(line('node installer/bin/runbook.js --help', result.directHelpMs));
  console.log(line('npx runbook --help (in the checkout)', result.npxHelpMs));
  console.log(line('runbook plan', result.planMs));
  console.log(line('node -e 0 on a terminal', result.terminalFloorMs, result.terminalFloorMs, 'itself'));
  console.log(line('runbook: wizard first frame', result.wizardMs, result.terminalFloorMs, 'node -e 0 on a terminal'));
  if (values.json) writeFileSync(values.json, JSON.stringify(result, null, 2));
} finally {
  rmSync(work, { recursive: true, force: true });
}
