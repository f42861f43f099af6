// The NFS exports the storage page writes, from its own script run for several sites in a
// throwaway /etc: each export names exactly the machines that mount it, and no client entry
// lets in an address of the public range. (Whether the kernel's NFS server then refuses such an
// address is checked on lab VMs: test/lab/machine-checks.ts.)
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromNumber, parseRange, toNumber } from '../../src/site-file/ipv4.ts';
import type { Plan } from '../../src/plan/model.ts';
import { bundledPlan, environmentOn, runOverlaid, shBlock, stepOf } from './page-script.ts';

const STORAGE = 'rw,async,no_root_squash,no_subtree_check';

interface Export {
  path: string;
  clients: { spec: string; options: string }[];
}

/** Run the nfs-exports step's script on the plan's management server; the file it wrote, parsed. */
function exportsFor(plan: Plan): Export[] {
  const step = stepOf(plan, 'nfs-exports');
  const mgmt = plan.machines.find((m) => m.role !== 'kvm')!;
  const run = runOverlaid(shBlock(step, 0), environmentOn(plan, mgmt.name), ['/etc']);
  try {
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const text = readFileSync(join(run.upper('/etc'), 'exports.d', 'cloudstack.exports'), 'utf8');
    expect(run.stdout).toBe(text);
    return text
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#'))
      .map((line) => {
        const [path, ...clients] = line.trim().split(/\s+/);
        return {
          path: path!,
          clients: clients.map((c) => {
            const m = /^([^(]+)\(([^)]*)\)$/.exec(c);
            expect(m, `client entry ${c}`).not.toBeNull();
            return { spec: m![1]!, options: m![2]! };
          }),
        };
      });
  } finally {
    run.cleanup();
  }
}

/** Every address a client entry lets in (a bare address or address/prefix). */
function addresses(spec: string): number[] {
  const [ip, prefix = '32'] = spec.split('/');
  const size = 2 ** (32 - Number(prefix));
  const first = toNumber(ip!);
  expect(first % size, `${spec} starts on its block boundary`).toBe(0);
  return Array.from({ length: size }, (_, i) => first + i);
}

function rangeAddresses(text: string): number[] {
  const range = parseRange(text);
  if (typeof range === 'string') throw new Error(range);
  return Array.from({ length: range.end - range.start + 1 }, (_, i) => range.start + i);
}

const sorted = (xs: number[]) => [...new Set(xs)].sort((a, b) => a - b).map(fromNumber);

function covered(e: Export): string[] {
  return sorted(e.clients.flatMap((c) => addresses(c.spec)));
}

const SITES: [string, unknown][] = [
  ['all-in-one', {}],
  [
    'two KVM hosts',
    {
      hosts: [
        { address: '172.16.10.3', hostname: 'kvm1' },
        { address: '172.16.10.4', hostname: 'kvm2' },
      ],
    },
  ],
  [
    'another network, a pod range across a /24 boundary',
    {
      network: { cidr: '10.9.0.0/16', gateway: '10.9.0.1' },
      management: { address: '10.9.0.2', hostname: 'mgmt' },
      hosts: [{ address: '10.9.0.3', hostname: 'kvm1' }],
      zone: { public: '10.9.1.11-10.9.1.20', pod: '10.9.0.250-10.9.1.5' },
    },
  ],
];

describe('the NFS exports, as the storage page writes them', () => {
  it.each(SITES)('%s: each export names exactly the machines that mount it', (_name, site) => {
    const plan = bundledPlan(site);
    const v = plan.variables;
    const kvm = v.KVM_HOST_IPS!.split(' ');
    const exports = exportsFor(plan);
    expect(exports.map((e) => e.path)).toEqual([
      v.PRIMARY_EXPORT,
      v.SECONDARY_EXPORT,
      '/export/cloudstack-ssh',
    ]);
    const [primary, secondary, key] = exports as [Export, Export, Export];
    expect(primary.clients).toEqual(kvm.map((spec) => ({ spec, options: STORAGE })));
    expect(covered(secondary)).toEqual(
      sorted(
        [...kvm, v.MGMT_IP!].map(toNumber).concat(rangeAddresses(`${v.POD_START}-${v.POD_END}`)),
      ),
    );
    expect(new Set(secondary.clients.map((c) => c.options))).toEqual(new Set([STORAGE]));
    expect(key.clients).toEqual(
      kvm.map((spec) => ({ spec, options: 'ro,root_squash,no_subtree_check' })),
    );
    // No entry is written twice (all-in-one: the management server is the KVM host).
    for (const e of exports)
      expect(new Set(e.clients.map((c) => c.spec)).size).toBe(e.clients.length);
  });

  it.each(SITES)('%s: no export lets in an address of the public range', (_name, site) => {
    const plan = bundledPlan(site);
    const publicRange = new Set(
      sorted(rangeAddresses(`${plan.variables.PUBLIC_START}-${plan.variables.PUBLIC_END}`)),
    );
    for (const e of exportsFor(plan)) {
      expect(e.clients.some((c) => c.spec === '*' || c.spec.includes('*'))).toBe(false);
      expect(
        covered(e).filter((a) => publicRange.has(a)),
        e.path,
      ).toEqual([]);
    }
  });

  it('writes the pod range as blocks that cover it exactly, for any range', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 24 - 700 }),
        fc.integer({ min: 0, max: 600 }),
        (start, length) => {
          const first = toNumber('10.0.0.0') + start;
          const last = first + length;
          const plan = bundledPlan({
            network: { cidr: '10.0.0.0/8', gateway: '10.0.0.1' },
            management: { address: '10.0.0.2', hostname: 'mgmt' },
            zone: { pod: `${fromNumber(first)}-${fromNumber(last)}` },
          });
          const secondary = exportsFor(plan)[1]!;
          const blocks = secondary.clients.slice(1).map((c) => c.spec); // after the management server
          expect(sorted(blocks.flatMap(addresses))).toEqual(
            sorted(rangeAddresses(`${fromNumber(first)}-${fromNumber(last)}`)),
          );
        },
      ),
      { numRuns: 25 },
    );
  });
});
