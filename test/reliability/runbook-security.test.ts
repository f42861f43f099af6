// What the runbook builds, checked over the bundled runbook's plan (static, the NFS exports from
// the page's own script in a throwaway /etc) and, for the admin password, against the API
// simulator: NFS exported to the machines that mount it only, MariaDB on the
// loopback, libvirt's plain TCP listener off, the default admin password replaced; and each
// choice explained in the reference chapter with upstream's source.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRunbook } from '../../src/runbook/load.ts';
import { buildPlan } from '../../src/plan/build.ts';
import { siteSchema } from '../../src/site-file/schema.ts';
import type { Plan } from '../../src/plan/model.ts';
import { substitute } from '../../src/executor/variables.ts';
import { CloudStackClient } from '../../src/cloudstack/client.ts';
import { ensureApiKeys } from '../../src/cloudstack/first-contact.ts';
import { startSimulator, type Simulator } from '../simulator/server.ts';
import { MemoryCredentials, ADMIN_PASSWORD } from '../cloudstack/harness.ts';
import { REPO } from '../helpers/cli.ts';
import { recordTrial } from './results.ts';
import { toNumber } from '../../src/site-file/ipv4.ts';
import { environmentOn, runOverlaid, shBlock, stepOf } from '../runbook/page-script.ts';

const DOCS = join(REPO, 'docs', 'src', 'content', 'docs');
const SITES = {
  'all-in-one': siteSchema.parse({}),
  'two KVM hosts, another network': siteSchema.parse({
    network: { cidr: '10.9.0.0/16', gateway: '10.9.0.1' },
    management: { address: '10.9.0.2', hostname: 'mgmt' },
    hosts: [{ address: '10.9.0.3', hostname: 'kvm1' }, { address: '10.9.0.4', hostname: 'kvm2' }],
    zone: { public: '10.9.1.11-10.9.1.20', pod: '10.9.1.21-10.9.1.30' },
  }),
};

function plans(): [string, Plan][] {
  const { runbook, problems } = loadRunbook();
  expect(problems).toEqual([]);
  return Object.entries(SITES).map(([name, site]) => [name, buildPlan(site, runbook, '/nonexistent/site.yaml')]);
}

/** File actions with the site's values filled in, as the executor fills them on a host. */
function files(plan: Plan): { step: string; path: string; content: string }[] {
  return plan.steps.flatMap((s) =>
    s.actions.flatMap((a) =>
      a.kind === 'file'
        ? [{ step: s.id, path: substitute(a.path, plan.variables), content: substitute(a.content, plan.variables) }]
        : [],
    ),
  );
}

function scripts(plan: Plan): { step: string; script: string }[] {
  return plan.steps.flatMap((s) => [
    ...s.actions.flatMap((a) => (a.kind === 'sh' ? [{ step: s.id, script: a.script }] : [])),
  ]);
}

function check(scenario: string, expected: string, body: () => void): void {
  let ok = false;
  try {
    body();
    ok = true;
  } finally {
    recordTrial({ area: 'what the runbook builds', scenario, expected, runs: Object.keys(SITES).length, passed: ok ? Object.keys(SITES).length : 0 });
  }
}

describe('what the runbook builds (bundled runbook, planned for two sites)', () => {
  it('exports NFS to the machines that mount it, never to the public range', () => {
    check('NFS exports', 'the nfs-exports script names only KVM hosts, the management server and pod-range blocks; no `*`, no network-wide entry, no `insecure`, nothing of the public range', () => {
      for (const [name, plan] of plans()) {
        const mgmt = plan.machines.find((m) => m.role !== 'kvm')!;
        const run = runOverlaid(shBlock(stepOf(plan, 'nfs-exports')), environmentOn(plan, mgmt.name), ['/etc']);
        try {
          expect(run.status, run.stderr).toBe(0);
          const lines = readFileSync(join(run.upper('/etc'), 'exports.d', 'cloudstack.exports'), 'utf8')
            .split('\n')
            .filter((l) => l.trim() && !l.trim().startsWith('#'));
          expect(lines.length, name).toBe(3);
          const v = plan.variables;
          const publicStart = toNumber(v.PUBLIC_START!);
          const publicEnd = toNumber(v.PUBLIC_END!);
          for (const line of lines) {
            for (const client of line.trim().split(/\s+/).slice(1)) {
              const spec = client.replace(/\(.*$/, '');
              expect(spec, line).not.toMatch(/\*/);
              expect(spec, line).not.toBe(v.NETWORK_CIDR);
              expect(client, line).not.toMatch(/[(,]insecure[,)]/);
              const [ip, prefix = '32'] = spec.split('/');
              const first = toNumber(ip!);
              const last = first + 2 ** (32 - Number(prefix)) - 1;
              expect(last < publicStart || first > publicEnd, `${name}: ${spec} lets in the public range`).toBe(true);
            }
          }
        } finally {
          run.cleanup();
        }
        for (const s of scripts(plan)) {
          expect(s.script, s.step).not.toMatch(/exportfs[^\n]*\s\*:/);
          expect(s.script, s.step).not.toMatch(/\/etc\/exports[^\n]*\*\(/);
        }
      }
    });
  });

  it('keeps MariaDB on the loopback', () => {
    check('MariaDB listener', 'bind-address = 127.0.0.1 in the server settings; nothing sets another bind address or opens 3306', () => {
      for (const [name, plan] of plans()) {
        const cnf = files(plan).filter((f) => f.path.startsWith('/etc/mysql/'));
        expect(cnf.some((f) => /^bind-address\s*=\s*127\.0\.0\.1\s*$/m.test(f.content)), name).toBe(true);
        for (const f of cnf) {
          for (const m of f.content.matchAll(/^bind[-_]address\s*=\s*(\S+)/gm)) expect(m[1], f.path).toBe('127.0.0.1');
          expect(f.content, f.path).not.toMatch(/^skip[-_]bind[-_]address/m);
        }
        for (const s of scripts(plan)) expect(s.script, s.step).not.toMatch(/bind[-_]address\s*=?\s*(0\.0\.0\.0|::|\*)/);
      }
    });
  });

  it("turns libvirt's plain TCP listener off", () => {
    check('libvirt TCP listener', 'listen_tcp 0 set on every KVM host; nothing sets listen_tcp 1; auth_tcp "none" only with the TCP listener off', () => {
      for (const [name, plan] of plans()) {
        const libvirt = plan.steps.filter((s) => s.actions.some((a) => a.kind === 'sh' && /libvirtd\.conf/.test(a.script)));
        expect(libvirt.length, name).toBeGreaterThan(0);
        const all = scripts(plan).map((s) => s.script).join('\n') + files(plan).map((f) => f.content).join('\n');
        expect(all).toMatch(/libvirtd\.conf listen_tcp 0\b|^listen_tcp\s*=\s*0$/m);
        expect(all).not.toMatch(/listen_tcp\s*=?\s*['"]?1\b|libvirtd\.conf listen_tcp ['"]?1/);
        for (const s of libvirt) expect(s.on === 'kvm' || s.on === 'all', s.id).toBe(true);
      }
    });
  });
});

describe('the default admin password', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator();
  });
  afterAll(async () => {
    await sim?.close();
  });

  it('is replaced by the generated one at first contact; the default no longer logs in', async () => {
    let ok = false;
    try {
      const creds = new MemoryCredentials({ ADMIN_PASSWORD });
      await ensureApiKeys(new CloudStackClient({ endpoint: sim.endpoint }), creds, { log: () => {} });
      expect(sim.cloud.users[0]!.password).toBe(ADMIN_PASSWORD);
      const again = new MemoryCredentials({ ADMIN_PASSWORD: 'not-the-right-one' });
      await expect(
        ensureApiKeys(new CloudStackClient({ endpoint: sim.endpoint }), again, { log: () => {}, initialMs: 1, maxMs: 1 }),
      ).rejects.toThrow(/neither the default password nor ADMIN_PASSWORD/);
      ok = true;
    } finally {
      recordTrial({
        area: 'what the runbook builds',
        scenario: 'default CloudStack admin password (API simulator)',
        expected: 'replaced by ADMIN_PASSWORD at first contact; `password` refused afterwards',
        runs: 1,
        passed: ok ? 1 : 0,
      });
    }
  });
});

describe('the reference chapter explains each choice with its upstream source', () => {
  const reference = readFileSync(join(DOCS, 'reference.mdx'), 'utf8');
  const choices: { name: string; pattern: RegExp }[] = [
    { name: 'NFS exports limited to the machines that mount them, never the public range (upstream examples export to `*`)', pattern: /NFS export names the machines that mount it[^\n]*never the public range[^\n]*\*/i },
    { name: 'MariaDB bind-address 127.0.0.1', pattern: /bind-address/ },
    { name: 'libvirt listen_tcp = 0', pattern: /listen_tcp = 0/ },
    { name: 'default admin password replaced', pattern: /admin[^\n]*password[^\n]*(replac|chang)|default[^\n]*admin[^\n]*password/i },
  ];
  it('names every security choice in the facts table', () => {
    const missing = choices.filter((c) => !c.pattern.test(reference)).map((c) => c.name);
    recordTrial({
      area: 'what the runbook builds',
      scenario: 'reference chapter names each security choice (exports, bind-address, listen_tcp, admin password)',
      expected: 'a row for each, with its upstream source',
      runs: choices.length,
      passed: choices.length - missing.length,
      notes: missing.length ? `missing: ${missing.join('; ')}` : undefined,
    });
    expect(missing).toEqual([]);
  });
});
