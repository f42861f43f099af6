// Measures the wizard's first frame: time from spawning `runbook` (no command) on a pseudo
// terminal (util-linux `script`) until the welcome title is on the screen, beside two peers:
// the smallest Ink program (ink-hello.ts) and `runbook --help`.
// Wall time suffers from whatever else the machine runs, so CPU time to the first frame is
// printed too (reported by the programs themselves under RUNBOOK_TIMING=1).
// Run: node test/wizard/first-frame.ts [runs]
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const runs = Number(process.argv[2] ?? 5);

/** CPU milliseconds to the first frame, as the program reports it under RUNBOOK_TIMING. */
function cpuToFirstFrame(command: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: root, env: { ...process.env, RUNBOOK_TIMING: '1' } });
    let out = '';
    const timer = setTimeout(() => (child.kill('SIGKILL'), reject(new Error(`no timing line: ${out.slice(-300)}`))), 20_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /first-frame wall=\d+ms cpu=(\d+)ms/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.kill('SIGKILL');
        resolve(Number(m[1]));
      }
    });
  });
}

function timeUntil(command: string, marker: RegExp): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: root, env: { ...process.env, COLUMNS: '80', LINES: '24' } });
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no ${marker} within 20 s; got: ${out.slice(-400)}`));
    }, 20_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (marker.test(out)) {
        const ms = performance.now() - started;
        clearTimeout(timer);
        child.kill('SIGKILL');
        resolve(ms);
      }
    });
  });
}

const site = join(mkdtempSync(join(tmpdir(), 'rb-frame-')), 'site.yaml');
const node = join(root, 'node_modules/.bin/node');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const wizard: number[] = [];
const help: number[] = [];
const hello: number[] = [];
for (let i = 0; i < runs; i++) {
  wizard.push(await timeUntil(`${node} installer/bin/runbook.js --site ${site}`, /Welcome/));
  hello.push(await timeUntil(`${node} test/wizard/ink-hello.ts`, /Welcome/));
  help.push(await timeUntil(`${node} installer/bin/runbook.js --help`, /Usage/));
}
const wizardCpu: number[] = [];
const helloCpu: number[] = [];
for (let i = 0; i < runs; i++) {
  wizardCpu.push(await cpuToFirstFrame(`${node} installer/bin/runbook.js --site ${site}`));
  helloCpu.push(await cpuToFirstFrame(`${node} test/wizard/ink-hello.ts`));
}
console.log(`CPU time to first frame: wizard median ${median(wizardCpu)} ms, smallest Ink app ${median(helloCpu)} ms, ratio ${(median(wizardCpu) / median(helloCpu)).toFixed(2)}`);
console.log(`wizard first frame: median ${median(wizard).toFixed(0)} ms (${wizard.map((x) => x.toFixed(0)).join(', ')})`);
console.log(`smallest Ink app:   median ${median(hello).toFixed(0)} ms`);
console.log(`runbook --help:     median ${median(help).toFixed(0)} ms`);
console.log(`ratio wizard/ink:   ${(median(wizard) / median(hello)).toFixed(2)}`);
console.log(`ratio wizard/help:  ${(median(wizard) / median(help)).toFixed(2)}`);
