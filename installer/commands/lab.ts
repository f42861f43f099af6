// `runbook lab up [--hosts N] [--memory MB] | down | status [--json] | add-host [--memory MB]`:
// the CLI face of src/lab.
import path from 'node:path';
import { labDown, labStatus, labUp } from '../../src/lab/lab.ts';
import type { LabStatus } from '../../src/lab/lab.ts';
import { t } from '../../src/i18n/translate.ts';
import { RUNBOOK_COMMAND, runbookCommand } from '../../src/runbook-command.ts';
import { printable } from '../../src/printable.ts';

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
    throw new Error(t('{flag} must be a whole number, not {value}', { flag, value: JSON.stringify(value) }));
  return n;
}

function describe(status: LabStatus): string[] {
  const rel = (file: string) => path.relative(process.cwd(), file) || file;
  if (status.machines.length === 0 && !status.networkPresent)
    return [t('no lab in {dir} (start one with `{command}`)', { dir: rel(status.dir), command: runbookCommand(['lab', 'up']) })];
  const lines = [
    t('lab in {dir}: {state} ({accel}, namespace {netns}{missing})', {
      dir: rel(status.dir),
      state: status.up ? t('up') : t('NOT fully up'),
      accel: status.accel ?? '?',
      netns: status.netns,
      missing: status.networkPresent ? '' : ` ${t('MISSING')}`,
    }),
  ];
  for (const m of status.machines) {
    lines.push(
      `  ${m.name.padEnd(16)} ${m.address.padEnd(13)} ${m.role.padEnd(10)} ${m.running ? t('running') : t('stopped')}  ssh 127.0.0.1:${m.sshPort} ${m.sshReachable ? t('answers') : t('does not answer')}`,
    );
  }
  for (const d of status.daemons) if (!d.running) lines.push(`  ${t('relay {name} is not running', { name: d.name })}`);
  const identity = path.join(rel(status.dir), 'identity');
  const first = status.machines[0];
  if (first) {
    lines.push(
      t('site file: {file}   (install with: {command})', { file: rel(status.siteFile), command: runbookCommand(['install'], { site: rel(status.siteFile) }) }),
    );
    lines.push(
      t('log in:    {command}', { command: `ssh -i ${identity}/id_ed25519 -o UserKnownHostsFile=${identity}/known_hosts -p ${first.sshPort} root@127.0.0.1` }),
    );
  }
  return lines;
}

/** Runs one lab action; returns the exit code (status: 0 up, 3 no lab, 1 partly up). */
export async function labCommand(action: string, options: LabCommandOptions = {}): Promise<number> {
  const out = options.out ?? ((line: string) => process.stdout.write(`${printable(line)}\n`));
  const err = options.err ?? ((line: string) => process.stderr.write(`${printable(line)}\n`));
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
              ? t('lab stopped ({what})', { what: [...result.stopped, ...(result.networkRemoved ? [t('network')] : [])].join(', ') })
              : t('no lab was running'),
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
        err(`${RUNBOOK_COMMAND} lab: ${t('unknown action "{action}"; use up, down, status or add-host', { action })}`);
        return 2;
    }
  } catch (error) {
    err(`${RUNBOOK_COMMAND} lab ${action}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
