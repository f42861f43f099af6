// Shared pieces of the reliability tests: the installer run with a chosen runbook, a host's end
// state with the site's secrets masked (so two sites compare equal), and journal checks.
import { execa, type ResultPromise } from 'execa';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readJournal } from '../../src/state/journal.ts';
import { NODE, RUNBOOK_BIN, hostTree, stateOf, type Site } from '../executor/cluster.ts';

export const SHORT_RUNBOOK = fileURLToPath(new URL('./fixtures/runbook-short', import.meta.url));

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export function spawnRunbook(
  site: Site,
  args: string[],
  runbook = SHORT_RUNBOOK,
): ResultPromise<{ reject: false }> {
  return execa(NODE, [RUNBOOK_BIN, 'install', '--site', site.file, '--runbook', runbook, ...args], {
    reject: false,
    cwd: site.dir,
    timeout: 120_000,
  });
}

export async function runInstall(site: Site, args: string[] = ['--yes', '--json'], runbook = SHORT_RUNBOOK): Promise<RunResult> {
  const r = await spawnRunbook(site, args, runbook);
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

export function endState(site: Site, hosts: string[]): Record<string, Record<string, string>> {
  const secrets = existsSync(join(site.dir, '.runbook', 'state.json')) ? stateOf(site).secrets : {};
  const replace = Object.fromEntries(Object.entries(secrets).map(([k, v]) => [v, `<${k}>`]));
  return Object.fromEntries(hosts.map((h) => [h, hostTree(site, h, replace)]));
}

export function journalFile(site: Site): string {
  return join(site.dir, '.runbook', 'journal.jsonl');
}

/** Every complete line parses; only a torn last line (no newline) may not. Returns the lines. */
export function assertJournalIntact(site: Site): string[] {
  const file = journalFile(site);
  if (!existsSync(file)) return [];
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const complete = text.endsWith('\n') ? lines.slice(0, -1) : lines.slice(0, -1);
  for (const line of complete) {
    if (line.trim() === '') continue;
    try {
      JSON.parse(line);
    } catch {
      throw new Error(`journal line does not parse: ${line.slice(0, 120)}`);
    }
  }
  return complete;
}

export function lastRunEnd(site: Site): unknown {
  return readJournal(journalFile(site)).at(-1);
}

/** A seeded generator (so a failing kill moment can be replayed with KILL_SEED). */
export function seeded(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
}

/** Lines of output that look like a JavaScript stack trace (never shown to an operator). */
export function stackTraceLines(text: string): string[] {
  return text.split('\n').filter((l) => /^\s+at .+(\(|:\d+:\d+)/.test(l) || /node:internal/.test(l));
}
