// The lab itself, end to end on real VMs: two Debian 12 machines boot from the cached image,
// answer SSH where the site file says, install from Debian's archive through the lab's proxy,
// reach each other, reach nothing else, and leave nothing behind. Then an all-in-one lab, and
// Ctrl-C while booting. Needs root, qemu, mmdebstrap (scripts/setup.sh) and Debian's archive.
import { execa } from 'execa';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBaseImage } from '../../src/lab/image.ts';
import { labDown, labStatus, labUp } from '../../src/lab/lab.ts';
import { labLayout } from '../../src/lab/layout.ts';
import { labRoutes } from '../../src/lab/netns.ts';
import { sshRun } from '../../src/lab/ssh.ts';
import type { SshTarget } from '../../src/lab/ssh.ts';
import { loadSite } from '../../src/site-file/load.ts';
import { statePaths } from '../../src/state/paths.ts';
import { SshTransport } from '../../src/transport/ssh.ts';
import { ARTIFACTS, LabReport } from './report.ts';
import { hostInterfaces, namespaces, processesMentioning } from './leftovers.ts';

const dir = path.join(ARTIFACTS, 'smoke');
const layout = labLayout(dir);
const report = new LabReport(
  'smoke',
  'Lab smoke test: two VMs, SSH, archive-only network, cleanup',
);
let interfacesBefore: string[] = [];
const seconds = (since: number) => (Date.now() - since) / 1000;

function target(machine: { ssh?: { host?: string; port?: number } }, identity: string): SshTarget {
  return {
    host: machine.ssh?.host,
    port: machine.ssh?.port ?? 22,
    identity,
    knownHosts: path.join(layout.identityDir, 'known_hosts'),
  };
}

async function inVm(t: SshTarget, command: string, timeoutMs?: number) {
  const result = await sshRun(t, command, timeoutMs);
  return {
    code: result.exitCode ?? -1,
    out: String(result.stdout).trim(),
    err: String(result.stderr).trim(),
  };
}

async function expectNothingLeft(what: string) {
  expect(processesMentioning(layout.dir), `${what}: lab processes still running`).toEqual([]);
  expect(await namespaces(), `${what}: namespace still there`).not.toContain(layout.netns);
  expect(await hostInterfaces(), `${what}: host interfaces changed`).toEqual(interfacesBefore);
  expect(existsSync(layout.socketDir), `${what}: socket directory still there`).toBe(false);
}

beforeAll(async () => {
  await labDown({ dir }); // a previous run killed half way
  interfacesBefore = await hostInterfaces();
});

afterAll(async () => {
  await labDown({ dir });
  const file = report.write();
  process.stdout.write(`lab report: ${file}\n`);
});

describe('lab with a management server and one KVM host', () => {
  it('finds the base image in the cache', async () => {
    const t = Date.now();
    const image = await ensureBaseImage(layout.cacheDir, path.join(ARTIFACTS, 'image-build.log'));
    report.figure(
      image.cached ? 'base image: cache lookup (s)' : 'base image: cold build (s)',
      image.cached ? seconds(t) : image.seconds,
    );
    const again = Date.now();
    const cached = await ensureBaseImage(layout.cacheDir, path.join(ARTIFACTS, 'image-build.log'));
    report.figure('base image: cached (s)', seconds(again));
    expect(
      report.check(
        'second image request is served from the cache',
        cached.cached && cached.dir === image.dir,
      ),
    ).toBe(true);
  });

  it('boots two VMs from the cached image', async () => {
    const t = Date.now();
    const status = await labUp({ hosts: 1, memory: 2048, dir });
    report.figure('lab up, 2 VMs (s)', seconds(t));
    report.figure('accelerator', status.accel ?? '?');
    for (const m of status.machines) report.figure(`boot ${m.name} (s)`, m.bootSeconds ?? NaN);
    expect(status.machines.map((m) => [m.name, m.address, m.running, m.sshReachable])).toEqual([
      ['cloudstack-mgmt', '172.16.10.2', true, true],
      ['kvm1', '172.16.10.3', true, true],
    ]);
    report.check('two VMs up', status.up);
    expect(status.up).toBe(true);
  });

  it('answers SSH where the lab site file says, with the runbook addresses', async () => {
    const { site } = loadSite(layout.siteFile);
    expect(site.network.gateway).toBe('172.16.10.1');
    expect(site.network.dns).toEqual(['172.16.10.1']);
    const identity = site.ssh.identity!;
    for (const machine of [site.management, ...site.hosts]) {
      const answer = await inVm(target(machine, identity), 'hostname; ip -4 -o addr show dev eth0');
      const ok =
        answer.code === 0 &&
        answer.out.startsWith(machine.hostname) &&
        answer.out.includes(`inet ${machine.address}/24`);
      report.check(
        `ssh ${machine.ssh?.host}:${machine.ssh?.port} reaches ${machine.hostname} at ${machine.address}`,
        ok,
        answer.out || answer.err,
      );
      expect(ok, answer.err).toBe(true);
    }
  });

  it("gives the installer the machines' host keys, so it connects without asking", async () => {
    const { site } = loadSite(layout.siteFile);
    const recorded = statePaths(layout.siteFile).knownHosts;
    for (const machine of [site.management, ...site.hosts]) {
      const transport = new SshTransport({
        host: machine.hostname,
        target: { host: machine.ssh!.host!, port: machine.ssh!.port!, user: 'root', identity: site.ssh.identity! },
        knownHostsFile: recorded,
        confirmHostKey: async () => {
          throw new Error(`the installer was asked to trust ${machine.hostname}'s key`);
        },
      });
      const lines: string[] = [];
      const result = await transport.exec({ script: 'hostname', env: {}, timeoutSeconds: 30, onLine: (_s, l) => lines.push(l) });
      await transport.close();
      const ok = result.exitCode === 0 && lines[0] === machine.hostname;
      report.check(`${machine.hostname}: host key already in ${path.basename(path.dirname(recorded))}/known_hosts`, ok);
      expect(lines).toEqual([machine.hostname]);
    }
  });

  it("installs a package from Debian's archive through the lab proxy", async () => {
    const { site } = loadSite(layout.siteFile);
    const kvm = target(site.hosts[0]!, site.ssh.identity!);
    const t = Date.now();
    const answer = await inVm(
      kvm,
      'apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends hello && hello',
      15 * 60_000,
    );
    report.figure('apt-get update + install hello in a VM (s)', seconds(t));
    const ok = answer.code === 0 && answer.out.includes('Hello, world!');
    report.check('apt-get install hello works through the proxy', ok, answer.err.slice(-300));
    expect(ok, answer.err).toBe(true);
    const proxyLog = readFileSync(path.join(layout.logDir, 'relay-host.log'), 'utf8');
    expect(
      report.check(
        'the proxy served the package',
        /200 GET \/debian\/pool\/main\/h\/hello\/hello_/.test(proxyLog),
      ),
    ).toBe(true);
  });

  it('lets the VMs reach each other on 172.16.10.x', async () => {
    const { site } = loadSite(layout.siteFile);
    const identity = site.ssh.identity!;
    const fromMgmt = await inVm(
      target(site.management, identity),
      'ping -c 1 -W 5 172.16.10.3 >/dev/null && timeout 5 bash -c "</dev/tcp/kvm1/22" && echo ok',
    );
    const fromKvm = await inVm(
      target(site.hosts[0]!, identity),
      'ping -c 1 -W 5 172.16.10.2 >/dev/null && timeout 5 bash -c "</dev/tcp/cloudstack-mgmt/22" && echo ok',
    );
    expect(
      report.check(
        'management → kvm1 (ping, ssh port, by name)',
        fromMgmt.out === 'ok',
        fromMgmt.err,
      ),
    ).toBe(true);
    expect(
      report.check(
        'kvm1 → management (ping, ssh port, by name)',
        fromKvm.out === 'ok',
        fromKvm.err,
      ),
    ).toBe(true);
  });

  it('lets nothing reach an outside address', async () => {
    const { site } = loadSite(layout.siteFile);
    const identity = site.ssh.identity!;
    for (const machine of [site.management, ...site.hosts]) {
      // 192.0.2.1 is TEST-NET-1 (RFC 5737): nothing real answers there, so no outside host is probed.
      const direct = await inVm(
        target(machine, identity),
        'timeout 2 bash -c "echo > /dev/tcp/192.0.2.1/80"',
      );
      expect(
        report.check(
          `${machine.hostname}: direct connection to 192.0.2.1:80 fails`,
          direct.code !== 0,
          `exit ${direct.code}`,
        ),
      ).toBe(true);
      const viaProxy = await inVm(
        target(machine, identity),
        'exec 3<>/dev/tcp/172.16.10.1/3142; printf "GET http://192.0.2.1/ HTTP/1.0\\r\\nHost: 192.0.2.1\\r\\n\\r\\n" >&3; timeout 5 head -n 1 <&3',
      );
      expect(
        report.check(
          `${machine.hostname}: the proxy refuses 192.0.2.1`,
          viaProxy.out.includes(' 403 '),
          viaProxy.out,
        ),
      ).toBe(true);
      const tunnel = await inVm(
        target(machine, identity),
        'exec 3<>/dev/tcp/172.16.10.1/3142; printf "CONNECT 192.0.2.1:443 HTTP/1.1\\r\\nHost: 192.0.2.1:443\\r\\n\\r\\n" >&3; timeout 5 head -n 1 <&3',
      );
      expect(
        report.check(
          `${machine.hostname}: the proxy refuses a CONNECT tunnel`,
          tunnel.out.includes(' 403 '),
          tunnel.out,
        ),
      ).toBe(true);
    }
    const routes = await labRoutes(layout.netns);
    const outside = routes.filter(
      (r) => !/172\.16\.10\.|127\.0\.0\.|^local 127|^broadcast 127/.test(r),
    );
    expect(
      report.check(
        'the lab namespace has routes only for 172.16.10.0/24 and loopback',
        outside.length === 0,
        routes.join('; '),
      ),
    ).toBe(true);
    const routeGet = await execa(
      'ip',
      ['netns', 'exec', layout.netns, 'ip', 'route', 'get', '192.0.2.1'],
      { reject: false },
    );
    expect(
      report.check(
        'the lab namespace has no route to 192.0.2.1',
        routeGet.exitCode !== 0,
        String(routeGet.stderr),
      ),
    ).toBe(true);
    expect(
      report.check(
        'no interface was added to the host',
        JSON.stringify(await hostInterfaces()) === JSON.stringify(interfacesBefore),
      ),
    ).toBe(true);
  });

  it('lab down stops every process and removes the namespace', async () => {
    const t = Date.now();
    await labDown({ dir });
    report.figure('lab down (s)', seconds(t));
    await expectNothingLeft('after lab down');
    expect((await labStatus({ dir })).machines).toEqual([]);
    report.check('nothing left after lab down', true);
  });
});

describe('all-in-one lab', () => {
  it('boots one VM that answers SSH, then goes away', async () => {
    const t = Date.now();
    const status = await labUp({ hosts: 0, memory: 2048, dir });
    report.figure('lab up, 1 VM (s)', seconds(t));
    expect(status.machines.map((m) => [m.name, m.sshReachable])).toEqual([
      ['cloudstack-mgmt', true],
    ]);
    const { site } = loadSite(layout.siteFile);
    expect(site.hosts).toEqual([]);
    const answer = await inVm(target(site.management, site.ssh.identity!), 'hostname');
    expect(
      report.check(
        'all-in-one: ssh reaches cloudstack-mgmt',
        answer.out === 'cloudstack-mgmt',
        answer.err,
      ),
    ).toBe(true);
    await labDown({ dir });
    await expectNothingLeft('after all-in-one lab down');
  });
});

describe('Ctrl-C while the lab starts', () => {
  it('stops everything already started', async () => {
    const script = `import { labCommand } from ${JSON.stringify(path.resolve('installer/commands/lab.ts'))};
process.exitCode = await labCommand('up', { hosts: 1, memory: 1024, dir: ${JSON.stringify(dir)} });`;
    const child = execa(process.execPath, ['--input-type=module', '-e', script], {
      reject: false,
      all: true,
    });
    // Interrupt once both VMs are booting (their qemu pids are in the state file).
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      const state = existsSync(layout.stateFile)
        ? (JSON.parse(readFileSync(layout.stateFile, 'utf8')) as { machines: { pid?: number }[] })
        : undefined;
      if (state && state.machines.length === 2 && state.machines.every((m) => m.pid)) break;
      await sleep(250);
    }
    expect(
      processesMentioning(layout.dir).some((p) => p.includes('qemu-system')),
      'VMs were booting',
    ).toBe(true);
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode, result.all).not.toBe(0);
    expect(result.all).toContain('interrupted');
    await expectNothingLeft('after Ctrl-C');
    report.check('Ctrl-C during lab up leaves nothing behind', true);
  });
});
