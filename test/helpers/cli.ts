// Runs the real `runbook` binary (with the pinned Node) the way a user does.
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const RUNBOOK_BIN = fileURLToPath(new URL('../../installer/bin/runbook.js', import.meta.url));
export const NODE = fileURLToPath(new URL('../../node_modules/.bin/node', import.meta.url));

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export async function runbookCli(args: string[], options: { cwd?: string; env?: Record<string, string>; input?: string } = {}): Promise<CliResult> {
  const r = await execa(NODE, [RUNBOOK_BIN, ...args], { cwd: options.cwd ?? REPO, env: options.env, input: options.input, reject: false, timeout: 120_000 });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}
