// A fake cluster for install tests: a management server and three KVM hosts (real sshd on
// loopback), a site file pointing at them, and the multi-page test runbook.
import { execa, type ResultPromise } from 'execa';
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
import {
  freePort,
  startCluster as startHostCluster,
  type Cluster as HostCluster,
  type FakeHost,
} from '../helpers/sshd.ts';

export const NODE = fileURLToPath(new URL('../../node_modules/.bin/node', import.meta.url));
export const RUNBOOK_BIN = fileURLToPath(
  new URL('../../installer/bin/runbook.js', import.meta.url),
);
export const RUNBOOK = fileURLToPath(new URL('../fixtures/runbook-multi', import.meta.url));
export const HOST_NAMES = ['mgmt', 'kvm1', 'kvm2', 'kvm3'];

export interface Cluster extends HostCluster {
  /** A loopback port nobody listens on: the "unreachable" CloudStack repository. */
  deadPort: number;
}

export async function startCluster(base: number): Promise<Cluster> {
  return { ...(await startHostCluster(HOST_NAMES, base)), deadPort: await freePort() };
}

export interface Site {
  name: string;
  dir: string;
  file: string;
  /** Where the fake hosts keep their files: /tmp/rb-multi/<site name>. */
  root: string;
  cleanup(): void;
}

/**
 * The site file over the cluster's first `count` hosts (the management server and count-1 KVM
 * hosts); `endpoint` points the API steps at a CloudStack API simulator.
 */
export function siteFileText(
  cluster: Cluster,
  name: string,
  count = cluster.hosts.length,
  endpoint?: string,
): string {
  const machine = (h: FakeHost, i: number) =>
    `{ address: 172.16.10.${i + 2}, hostname: ${h.name}, ssh: { host: ${h.address}, port: ${h.port} } }`;
  const [mgmt, ...kvms] = cluster.hosts.slice(0, count);
  const repository = `repository: "http://127.0.0.1:${cluster.deadPort}/debian"`;
  return [
    `name: ${name}`,
    `management: ${machine(mgmt!, 0)}`,
    'hosts:',
    ...kvms.map((h, i) => `  - ${machine(h, i + 1)}`),
    `ssh: { user: root, identity: ${cluster.key.privateKey} }`,
    `cloudstack: { ${repository}${endpoint ? `, endpoint: "${endpoint}"` : ''} }`,
    '',
  ].join('\n');
}

/** A site over the cluster's first `count` hosts (the management server and count-1 KVM hosts). */
export function makeSite(
  cluster: Cluster,
  prefix = 's',
  count = cluster.hosts.length,
  endpoint?: string,
): Site {
  const dir = mkdtempSync(join(tmpdir(), 'rb-install-'));
  const name = `${prefix}${Math.random().toString(36).slice(2, 10)}`;
  const file = join(dir, 'site.yaml');
  writeFileSync(file, siteFileText(cluster, name, count, endpoint));
  const root = join('/tmp/rb-multi', name);
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

export interface InstallResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export function spawnInstall(site: Site, args: string[] = []): ResultPromise<{ reject: false }> {
  return execa(NODE, [RUNBOOK_BIN, 'install', '--site', site.file, '--runbook', RUNBOOK, ...args], {
    reject: false,
    cwd: site.dir,
    timeout: 120_000,
  });
}

export async function install(site: Site, args: string[] = []): Promise<InstallResult> {
  const r = await spawnInstall(site, args);
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

export function jsonEvents(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Every file under a host's folder: path → mode and content (the host's "end state"). */
export function hostTree(
  site: Site,
  host: string,
  replace: Record<string, string> = {},
): Record<string, string> {
  const base = join(site.root, host);
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir).sort()) {
      const full = join(dir, entry);
      const st = statSync(full);
      if (st.isDirectory()) walk(full);
      else {
        let content = readFileSync(full, 'utf8');
        for (const [from, to] of Object.entries(replace)) content = content.replaceAll(from, to);
        out[relative(base, full)] = `${(st.mode & 0o777).toString(8)} ${content}`;
      }
    }
  };
  walk(base);
  return out;
}

export function stateOf(site: Site): {
  secrets: Record<string, string>;
  captured: Record<string, string>;
} {
  return JSON.parse(readFileSync(join(site.dir, '.runbook', 'state.json'), 'utf8'));
}
