// Pieces of the lab reliability test (lab.test.ts): sites on the lab's VMs (each a copy of the
// site file `lab up` wrote, with a name of its own so its files and state never mix with another
// site's), the installer run on them with the lab fixture runbook, a VM's end state read over
// SSH, and the lab namespace's links switched off and on.
import { execa, type ResultPromise } from 'execa';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { machineTarget, sshTarget, type LabStatus } from '../../../src/lab/lab.ts';
import type { LabLayout } from '../../../src/lab/layout.ts';
import { tapName } from '../../../src/lab/netns.ts';
import { sshRun } from '../../../src/lab/ssh.ts';
import { readJournal } from '../../../src/state/journal.ts';
import { NODE, RUNBOOK_BIN, stateOf, type Site } from '../../executor/cluster.ts';
import { journalFile } from '../helpers.ts';

export const LAB_RUNBOOK = fileURLToPath(new URL('../fixtures/runbook-lab', import.meta.url));
/** Our own lab, away from test/.artifacts/lab/* (the lab suite's). */
export const LAB_DIR = fileURLToPath(
  new URL('../../.artifacts/reliability/lab-vms', import.meta.url),
);
/** One install under TCG on a loaded machine: generous, never asserted on. */
const INSTALL_TIMEOUT_MS = 15 * 60_000;

/** A site on the lab's machines, in a folder of its own under the lab directory. */
export function makeLabSite(lab: LabStatus, prefix: string): Site {
  const name = `${prefix}${Math.random().toString(36).slice(2, 8)}`;
  const dir = join(LAB_DIR, 'sites', name);
  mkdirSync(dir, { recursive: true });
  const site = parse(readFileSync(lab.siteFile, 'utf8')) as Record<string, unknown>;
  const file = join(dir, 'site.yaml');
  writeFileSync(file, stringify({ ...site, name }));
  return {
    name,
    dir,
    file,
    root: `/tmp/rb-multi/${name}`,
    // The files on the VMs go with the VMs (labDown); only the state folder is ours to remove.
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** `runbook install --yes --json` with the lab fixture runbook, as an operator would run it. */
export function spawnLabInstall(site: Site, json = true): ResultPromise<{ reject: false }> {
  return execa(
    NODE,
    [
      RUNBOOK_BIN,
      'install',
      '--site',
      site.file,
      '--runbook',
      LAB_RUNBOOK,
      '--yes',
      ...(json ? ['--json'] : []),
    ],
    { reject: false, cwd: site.dir, timeout: INSTALL_TIMEOUT_MS, env: { NO_COLOR: '1' } },
  );
}

export interface Finished {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export async function finished(child: ResultPromise<{ reject: false }>): Promise<Finished> {
  const r = await child;
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/**
 * Resolves true when the installer announces the start of step `id` on `host` (a JSON event, or
 * the plain `[host] start    id` line), false when it ends first.
 */
export function stepStarted(
  child: ResultPromise<{ reject: false }>,
  id: string,
  host: string,
): Promise<boolean> {
  const plain = new RegExp(`^\\[${host}\\s*\\] start\\s+${id}:`);
  return new Promise((resolve) => {
    let buffer = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        if (plain.test(line)) resolve(true);
        if (!line.startsWith('{')) continue;
        const e = JSON.parse(line) as { type?: string; id?: string; host?: string };
        if (e.type === 'step-start' && e.id === id && e.host === host) resolve(true);
      }
    });
    void child.then(() => resolve(false));
  });
}

/** Every file under a host's folder, `path → "mode content"` (as hostTree reads a local one). */
const TREE_SCRIPT = (root: string) =>
  [
    `cd '${root}' 2>/dev/null || exit 0`,
    `find . -type f -print | LC_ALL=C sort | while IFS= read -r f; do`,
    `  printf '%s\\t%s\\t%s\\n' "\${f#./}" "$(stat -c %a -- "$f")" "$(base64 -w0 -- "$f")"`,
    'done',
  ].join('\n');

function parseTree(text: string, replace: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (!line) continue;
    const [path, mode, b64] = line.split('\t');
    let content = Buffer.from(b64 ?? '', 'base64').toString('utf8');
    for (const [from, to] of Object.entries(replace)) content = content.replaceAll(from, to);
    out[path!] = `${mode} ${content}`;
  }
  return out;
}

/** The site's files on each lab VM, with the site's generated secrets masked by name. */
export async function labEndState(
  site: Site,
  lab: LabStatus,
  layout: LabLayout,
): Promise<Record<string, Record<string, string>>> {
  const secrets = existsSync(join(site.dir, '.runbook', 'state.json')) ? stateOf(site).secrets : {};
  const replace = Object.fromEntries(Object.entries(secrets).map(([k, v]) => [v, `<${k}>`]));
  const state: Record<string, Record<string, string>> = {};
  for (const m of lab.machines) {
    const r = await sshRun(
      sshTarget(layout, m.sshPort),
      TREE_SCRIPT(`${site.root}/${m.name}`),
      5 * 60_000,
    );
    if (r.exitCode !== 0)
      throw new Error(`reading ${site.root} on ${m.name} failed: ${String(r.stderr)}`);
    state[m.name] = parseTree(String(r.stdout), replace);
  }
  return state;
}

/** Does `path` exist on the VM? (A site's files must only be where its own site file points.) */
export async function existsOnVm(
  lab: LabStatus,
  layout: LabLayout,
  machine: string,
  path: string,
): Promise<boolean> {
  const r = await sshRun(machineTarget(layout, lab, machine), `test -e '${path}'`, 5 * 60_000);
  if (r.exitCode !== 0 && r.exitCode !== 1)
    throw new Error(`ssh to ${machine} failed: ${String(r.stderr)}`);
  return r.exitCode === 0;
}

/** The tap joining `machine` to the lab bridge, inside the lab namespace (see src/lab/netns.ts). */
export function labLink(
  lab: LabStatus,
  layout: LabLayout,
  machine: string,
): { netns: string; tap: string } {
  const index = lab.machines.findIndex((m) => m.name === machine);
  if (index < 0) throw new Error(`the lab has no machine ${machine}`);
  // lab.ts starts the VMs in labMachines() order, and vm.ts names each one's tap by that index.
  return { netns: layout.netns, tap: tapName(index) };
}

export async function setLink(
  link: { netns: string; tap: string },
  state: 'up' | 'down',
): Promise<void> {
  await execa('ip', ['-n', link.netns, 'link', 'set', link.tap, state]);
}

export async function linkState(link: { netns: string; tap: string }): Promise<string> {
  const r = await execa('ip', ['-n', link.netns, '-o', 'link', 'show', link.tap]);
  return /state (\S+)/.exec(r.stdout)?.[1] ?? 'UNKNOWN';
}

/** Where a kill landed, from the journal: the steps it cut short, or the run's phase. */
export function whereKilled(site: Site): string {
  const entries = readJournal(journalFile(site));
  const run = entries.filter((e) => e.t === 'run-start').at(-1)?.run;
  if (!run) return 'before the first step';
  const open = new Set<string>();
  let ended = false;
  for (const e of entries) {
    if (e.run !== run) continue;
    if (e.t === 'step-start') open.add(`${e.id}@${e.host}`);
    if (e.t === 'step-end') open.delete(`${e.id}@${e.host}`);
    if (e.t === 'run-end') ended = true;
  }
  if (ended) return 'after the run ended';
  return open.size > 0 ? `in ${[...open].join(' + ')}` : 'between steps';
}

/**
 * Steps the fixture logged as running twice at once on a VM (`start <step> <pid>` / `end <step>
 * <pid>` lines in /tmp/rb-overlap/<site>/<host>.log, appended in the order they happened): a
 * copy left running by a killed installer, started again by the resume.
 */
export async function overlappingSteps(
  site: Site,
  lab: LabStatus,
  layout: LabLayout,
): Promise<string[]> {
  const found: string[] = [];
  for (const m of lab.machines) {
    const r = await sshRun(
      sshTarget(layout, m.sshPort),
      `cat '/tmp/rb-overlap/${site.name}/${m.name}.log' 2>/dev/null || true`,
      5 * 60_000,
    );
    if (r.exitCode !== 0)
      throw new Error(`reading the step log on ${m.name} failed: ${String(r.stderr)}`);
    const running = new Map<string, Set<string>>();
    for (const line of String(r.stdout).split('\n')) {
      const [what, step, pid] = line.split(' ');
      if (!step || !pid) continue;
      const set = running.get(step) ?? new Set<string>();
      running.set(step, set);
      if (what === 'start') {
        if (set.size > 0) found.push(`${step}@${m.name}`);
        set.add(pid);
      } else set.delete(pid);
    }
  }
  return found;
}
