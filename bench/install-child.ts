// One `runbook install` in its own process, for the overhead benchmark: prints the step
// counts, the process's peak memory (max RSS) and its own CPU time as one JSON line.
//   node bench/install-child.ts SITE RUNBOOK
import { run } from '../installer/commands/install.ts';

const [site, runbook] = process.argv.slice(2);
const counts: Record<string, number> = {};
const code = await run({
  site: site!,
  runbook,
  yes: true,
  json: true,
  apiRunner: null,
  out: () => undefined,
  err: (t) => void process.stderr.write(t),
  onEvent: (e) => {
    if (e.type === 'step-end') counts[e.status] = (counts[e.status] ?? 0) + 1;
  },
});
process.stdout.write(`${JSON.stringify({ code, changed: counts.changed ?? 0, counts, maxRssKb: process.resourceUsage().maxRSS, cpuUs: process.resourceUsage().userCPUTime + process.resourceUsage().systemCPUTime })}\n`);
process.exitCode = code;
