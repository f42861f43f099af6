// Cold start of the CLI: `runbook --help` and `runbook plan` (bundled runbook, default
// all-in-one site) against the floor, a bare `node -e 0` of the same Node. Each command runs
// in a fresh process, several times; the median is reported, and the ratio to the floor.
//   node bench/cli-startup.ts [--runs 10] [--json FILE]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' }, json: { type: 'string' } } });
const RUNS = Number(values.runs);
const NODE = new URL('../node_modules/.bin/node', import.meta.url).pathname;
const BIN = new URL('../installer/bin/runbook.js', import.meta.url).pathname;

const work = mkdtempSync(join(tmpdir(), 'rb-bench-cli-'));
const site = join(work, 'site.yaml');
writeFileSync(site, 'name: bench\n');

function timeOf(args: string[]): number {
  const start = performance.now();
  execFileSync(NODE, args, { stdio: ['ignore', 'ignore', 'pipe'], cwd: work });
  return performance.now() - start;
}

function median(args: string[]): number {
  timeOf(args); // first run warms the page cache; "cold" here means a fresh process
  const xs = Array.from({ length: RUNS }, () => timeOf(args));
  return xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

export interface StartupResult {
  runs: number;
  floorMs: number;
  helpMs: number;
  planMs: number;
}

try {
  const result: StartupResult = {
    runs: RUNS,
    floorMs: median(['-e', '0']),
    helpMs: median([BIN, '--help']),
    planMs: median([BIN, 'plan', '--site', site]),
  };
  const line = (label: string, ms: number) => `${label.padEnd(16)} ${ms.toFixed(0).padStart(6)} ms  (${(ms / result.floorMs).toFixed(1)}x node -e 0)`;
  console.log(line('node -e 0', result.floorMs));
  console.log(line('runbook --help', result.helpMs));
  console.log(line('runbook plan', result.planMs));
  if (values.json) writeFileSync(values.json, JSON.stringify(result, null, 2));
} finally {
  rmSync(work, { recursive: true, force: true });
}
