// `runbook lab up [--hosts N] [--memory MB] | down | status [--json] | add-host [--memory MB]`:
// the CLI face of src/lab.
import path from 'node:path';
import { labDown, labStatus, labUp } from '../../src/lab/lab.ts';
import type { LabStatus } from '../../src/lab/lab.ts';

export interface LabCommandOptions {
  hosts?: number | string;
  memory?: number | string;
  /** Lab directory; defaults to ./.runbook-lab (or RUNBOOK_LAB_DIR). */
  dir?: string;
  json?: boolean;
  out?: (line: string) => void;
  err?: (line: string) => void;
}

function wholeNumber(value: number | string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n))
    throw new Error(`${flag} must be a whole number, not ${JSON.stringify(value)}`);
  return n;
}

function describe(status: LabStatus): string[] {
  const rel = (file: string) => path.relative(process.cwd(), file) || file;
  if (status.machines.length === 0 && !status.networkPresent)
    return [`no lab in ${rel(status.dir)} (start one with \`runbook lab up\`)`];
  const lines = [
    `lab in ${rel(status.dir)}: ${status.up ? 'up' : 'NOT fully up'} (${status.accel ?? '?'}, namespace ${status.netns}${status.networkPresent ? '' : ' MISSING'})`,
  ];
  for (const m of status.machines) {
    lines.push(
      `  ${m.name.padEnd(16)} ${m.address.padEnd(13)} ${m.role.padEnd(10)} ${m.running ? 'running' : 'stopped'}  ssh 127.0.0.1:${m.sshPort} ${m.sshReachable ? 'answers' : 'does not answer'}`,
    );
  }
  for (const d of status.daemons) if (!d.running) lines.push(`  relay ${d.name} is not running`);
  const identity = path.join(rel(status.dir), 'identity');
  const first = status.machines[0];
  if (first) {
    lines.push(
      `site file: ${rel(status.siteFile)}   (runbook install --site ${rel(status.siteFile)})`,
    );
    lines.push(
      `log in:    ssh -i ${identity}/id_ed25519 -o UserKnownHostsFile=${identity}/known_hosts -p ${first.sshPort} root@127.0.0.1`,
    );
  }
  return lines;
}

/** Runs one lab action; returns the exit code (status: 0 up, 3 no lab, 1 partly up). */
export async function labCommand(action: string, options: LabCommandOptions = {}): Promise<number> {
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const err = options.err ?? ((line: string) => process.stderr.write(`${line}\n`));
  try {
    switch (action) {
      case 'up': {
        const status = await labUp({
          hosts: wholeNumber(options.hosts, '--hosts'),
          memory: wholeNumber(options.memory, '--memory'),
          dir: options.dir,
          onProgress: options.json ? undefined : (message) => err(`lab: ${message}`),
        });
        if (options.json) out(JSON.stringify(status));
        else describe(status).forEach(out);
        return status.up ? 0 : 1;
      }
      case 'add-host': {
        const { labAddHost } = await import('../../src/lab/add-host.ts');
        const status = await labAddHost({
          memory: wholeNumber(options.memory, '--memory'),
          dir: options.dir,
          onProgress: options.json ? undefined : (message) => err(`lab: ${message}`),
        });
        if (options.json) out(JSON.stringify(status));
        else describe(status).forEach(out);
        return status.up ? 0 : 1;
      }
      case 'down': {
        const result = await labDown({ dir: options.dir });
        if (options.json) out(JSON.stringify(result));
        else
          out(
            result.stopped.length || result.networkRemoved
              ? `lab stopped (${[...result.stopped, ...(result.networkRemoved ? ['network'] : [])].join(', ')})`
              : 'no lab was running',
          );
        return 0;
      }
      case 'status': {
        const status = await labStatus({ dir: options.dir });
        if (options.json) out(JSON.stringify(status));
        else describe(status).forEach(out);
        if (status.up) return 0;
        return status.machines.length === 0 && !status.networkPresent ? 3 : 1;
      }
      default:
        err(`runbook lab: unknown action "${action}"; use up, down, status or add-host`);
        return 2;
    }
  } catch (error) {
    err(`runbook lab ${action}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
