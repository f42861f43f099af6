// `runbook install --json` as a user runs it, on a lab's site file: the step-end events and the
// summary, parsed. Shared by the lab's install, simulated-API and bridge-rollback tests.
import { execa } from 'execa';
import path from 'node:path';

const runbookCli = path.resolve('installer/bin/runbook.js');

export interface StepEnd {
  type: 'step-end';
  id: string;
  host: string;
  status: string;
  ms: number;
  reason?: string;
  simulated?: boolean;
  failure?: {
    command: string;
    exitCode?: number;
    message?: string;
    lastLines: string[];
    log: string;
  };
}

export interface Summary {
  type: 'summary';
  ms: number;
  counts: Record<string, number>;
  result: string;
  simulatedSteps: number;
  blockedSteps: { id: string; host: string; reason: string }[];
}

export interface InstallRun {
  code: number;
  ends: StepEnd[];
  summary?: Summary;
  stderr: string;
}

export async function runInstall(
  site: string,
  extraArgs: string[] = [],
  timeoutMs = 240 * 60_000,
): Promise<InstallRun> {
  const result = await execa(
    process.execPath,
    [runbookCli, 'install', '--site', site, '--yes', '--json', ...extraArgs],
    { reject: false, timeout: timeoutMs, env: { NO_COLOR: '1' } },
  );
  const ends: StepEnd[] = [];
  let summary: Summary | undefined;
  for (const line of String(result.stdout).split('\n')) {
    if (!line.startsWith('{')) continue;
    const event = JSON.parse(line) as { type: string };
    if (event.type === 'step-end') ends.push(event as StepEnd);
    if (event.type === 'summary') summary = event as Summary;
  }
  return { code: result.exitCode ?? -1, ends, summary, stderr: String(result.stderr) };
}

export async function runVerify(site: string): Promise<{ code: number; text: string }> {
  const result = await execa(process.execPath, [runbookCli, 'verify', '--site', site], {
    reject: false,
    timeout: 10 * 60_000,
    env: { NO_COLOR: '1' },
  });
  return { code: result.exitCode ?? -1, text: `${result.stdout}\n${result.stderr}` };
}
