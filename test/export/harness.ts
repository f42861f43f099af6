// Loopback hosts for the export tests: sshd per fake host, a site file pointing at them, and
// the three ways to run the same runbook (installer, exported playbook, exported scripts).
import { execa } from 'execa';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Cluster, FakeHost } from '../helpers/sshd.ts';
import { run as exportRun } from '../../installer/commands/export.ts';
import { run as installRun } from '../../installer/commands/install.ts';

export const RUNBOOK = fileURLToPath(new URL('../fixtures/runbook-export', import.meta.url));
export const ROOT = '/tmp/rb-export';

export { startCluster, type Cluster } from '../helpers/sshd.ts';

export interface TestSite {
  name: string;
  dir: string;
  file: string;
  /** Where the fake hosts keep their files. */
  root: string;
  cleanup(): void;
}

/** A site whose first host is the management server and the rest KVM hosts (none: all-in-one). */
export function makeSite(cluster: Cluster, extra: string[] = []): TestSite {
  const dir = mkdtempSync(join(tmpdir(), 'rb-export-site-'));
  const name = `x${Math.random().toString(36).slice(2, 10)}`;
  const machine = (h: FakeHost, i: number) =>
    `{ address: 172.16.10.${i + 2}, hostname: ${h.name}, ssh: { host: ${h.address}, port: ${h.port} } }`;
  const [mgmt, ...kvms] = cluster.hosts;
  const file = join(dir, 'site.yaml');
  writeFileSync(
    file,
    [
      `name: ${name}`,
      `management: ${machine(mgmt!, 0)}`,
      'hosts:',
      ...kvms.map((h, i) => `  - ${machine(h, i + 1)}`),
      `ssh: { user: root, identity: ${cluster.key.privateKey} }`,
      ...extra,
      '',
    ].join('\n'),
  );
  const root = join(ROOT, name);
  return {
    name,
    dir,
    file,
    root,
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Every file under each host's folder: path → mode, owner and content (the hosts' end state). */
export function hostState(site: TestSite): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir).sort()) {
      const full = join(dir, entry);
      const st = statSync(full);
      const key = relative(site.root, full);
      if (st.isDirectory()) {
        out[`${key}/`] = `dir ${(st.mode & 0o777).toString(8)}`;
        walk(full);
      } else {
        out[key] =
          `${(st.mode & 0o777).toString(8)} ${st.uid}:${st.gid}\n${readFileSync(full, 'utf8')}`;
      }
    }
  };
  walk(site.root);
  return out;
}

export function wipeHosts(site: TestSite): void {
  rmSync(site.root, { recursive: true, force: true });
}

/** `runbook install` of the site; `api`: its api steps too, through the installer's own client. */
export async function install(
  site: TestSite,
  runbook = RUNBOOK,
  api = false,
): Promise<{ code: number; output: string }> {
  let output = '';
  const code = await installRun({
    site: site.file,
    runbook,
    yes: true,
    json: true,
    ...(api ? {} : { apiRunner: null }),
    out: (t) => void (output += t),
    err: (t) => void (output += t),
    policy: { retryDelayMs: 200 },
  });
  return { code, output };
}

/** The vault password file of a test site's Ansible exports (written on first use). */
export function vaultPasswordFile(site: TestSite): string {
  const file = join(site.dir, 'vault-password');
  if (!existsSync(file))
    writeFileSync(file, `${Math.random().toString(36).slice(2)}-vault\n`, { mode: 0o600 });
  return file;
}

export async function exportTo(
  site: TestSite,
  format: 'bash' | 'ansible',
  runbook = RUNBOOK,
  out = join(site.dir, `export-${format}`),
): Promise<string> {
  const write = process.stdout.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    const vault = format === 'ansible' ? { vaultPasswordFile: vaultPasswordFile(site) } : {};
    const code = await exportRun({ site: site.file, runbook, format, out, ...vault });
    if (code !== 0) throw new Error(`export exited ${code}`);
  } finally {
    process.stdout.write = write;
  }
  return out;
}

/** ansible-playbook's arguments for the site's vault password. */
export function vaultArgs(site: TestSite): string[] {
  return ['--vault-password-file', vaultPasswordFile(site)];
}

export interface PlaybookRun {
  code: number;
  output: string;
  /** PLAY RECAP per host: ok, changed, failed ... */
  recap: Record<string, Record<string, number>>;
}

export async function ansiblePlaybook(
  dir: string,
  doneDir: string,
  extra: string[] = [],
  timeoutMs = 300_000,
): Promise<PlaybookRun> {
  const r = await execa(
    'ansible-playbook',
    ['site.yml', '-e', `runbook_done_dir=${doneDir}`, ...extra],
    {
      cwd: dir,
      reject: false,
      timeout: timeoutMs,
      env: {
        ANSIBLE_HOST_KEY_CHECKING: 'False',
        ANSIBLE_NOCOLOR: '1',
        ANSIBLE_LOCAL_TEMP: join(dir, '.ansible-tmp'),
      },
    },
  );
  const output = `${r.stdout}\n${r.stderr}`;
  const recap: PlaybookRun['recap'] = {};
  const start = output.indexOf('PLAY RECAP');
  for (const line of start >= 0 ? output.slice(start).split('\n').slice(1) : []) {
    const m = line.match(/^(\S+)\s+:\s+(.*)$/);
    if (!m) continue;
    recap[m[1]!] = Object.fromEntries(
      [...m[2]!.matchAll(/(\w+)=(\d+)/g)].map((x) => [x[1]!, Number(x[2])]),
    );
  }
  return { code: r.exitCode ?? -1, output, recap };
}

/** Run an exported role script on a fake host over ssh, as an operator would. */
export async function runScript(
  cluster: Cluster,
  host: FakeHost,
  script: string,
  env: Record<string, string>,
): Promise<{ code: number; output: string }> {
  const assignments = Object.entries(env)
    .map(([k, v]) => `${k}='${v}'`)
    .join(' ');
  const r = await execa(
    'ssh',
    [
      '-i',
      cluster.key.privateKey,
      '-p',
      String(host.port),
      '-o',
      'StrictHostKeyChecking=no',
      '-o',
      'UserKnownHostsFile=/dev/null',
      '-o',
      'LogLevel=ERROR',
      `root@${host.address}`,
      `${assignments} ${script} --host ${host.name}`,
    ],
    { reject: false, timeout: 120_000, stdin: 'ignore' },
  );
  return { code: r.exitCode ?? -1, output: `${r.stdout}\n${r.stderr}` };
}
