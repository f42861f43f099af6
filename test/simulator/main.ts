// Standalone simulator: `node test/simulator/main.ts --port 8080` prints its URL and runs
// until interrupted, in upstream's timing (`--scale 1`: addHost takes 5 minutes, addImageStore
// 10; the default 0.01 takes 3 and 6 seconds). Failure injection for manual trials.
import { parseArgs } from 'node:util';
import { startSimulator } from './server.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8080' },
    host: { type: 'string', default: '127.0.0.1' },
    'job-ms': { type: 'string' },
    scale: { type: 'string', default: '0.01' },
    'host-down': { type: 'string', multiple: true },
    'silent-agent': { type: 'string', multiple: true },
    'drop-connection': { type: 'string', multiple: true },
    'fail-job': { type: 'string', multiple: true },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help) {
  console.log(
    'usage: node test/simulator/main.ts [--port 8080] [--host 127.0.0.1] [--scale 0.01] [--job-ms 150] [--host-down IP]... [--silent-agent IP]... [--drop-connection API]... [--fail-job API]...',
  );
  process.exit(0);
}

const sim = await startSimulator({
  port: Number(values.port),
  host: values.host,
  timing: Number(values.scale),
  delays: values['job-ms'] ? { jobMs: Number(values['job-ms']) } : {},
});
for (const h of values['host-down'] ?? []) sim.cloud.hostsDown.add(h);
for (const h of values['silent-agent'] ?? []) sim.cloud.silentAgents.add(h);
for (const api of values['drop-connection'] ?? []) sim.faults.drop.push({ api });
for (const api of values['fail-job'] ?? [])
  sim.faults.failJobs[api] = `${api} failed (injected by the simulator)`;
const admin = sim.cloud.users[0]!;
console.log(`CloudStack API simulator (not a real CloudStack) listening on ${sim.endpoint}`);
console.log(
  `log in as ${admin.username} / ${admin.password}; answers carry the header X-Simulator: cloudstack-runbook`,
);
const stop = () => void sim.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
