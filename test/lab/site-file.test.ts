// The site file `lab up` writes must pass the installer's own site checks, and say how to reach
// each VM from here (loopback ports) while keeping the runbook's addresses for CloudStack.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { labMachines } from '../../src/lab/layout.ts';
import { writeLabSite } from '../../src/lab/site-file.ts';
import { loadSite } from '../../src/site-file/load.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'lab-site-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('lab site file', () => {
  it('is a valid site with ssh overrides for a management server and two KVM hosts', () => {
    const file = path.join(dir, 'site.yaml');
    const machines = labMachines(2);
    writeLabSite(file, {
      machines,
      sshPorts: { 'cloudstack-mgmt': 40001, kvm1: 40002, kvm2: 40003 },
      apiPort: 40004,
      identity: path.join(dir, 'id_ed25519'),
    });
    const { site } = loadSite(file);
    expect(site.management).toMatchObject({
      address: '172.16.10.2',
      hostname: 'cloudstack-mgmt',
      ssh: { host: '127.0.0.1', port: 40001 },
    });
    expect(site.hosts.map((h) => [h.hostname, h.address, h.ssh?.port])).toEqual([
      ['kvm1', '172.16.10.3', 40002],
      ['kvm2', '172.16.10.4', 40003],
    ]);
    expect(site.network).toMatchObject({
      gateway: '172.16.10.1',
      dns: ['172.16.10.1'],
      interface: 'eth0',
    });
    expect(site.cloudstack.endpoint).toBe('http://127.0.0.1:40004/client/api');
  });

  it('is a valid all-in-one site', () => {
    const file = path.join(dir, 'aio.yaml');
    writeLabSite(file, {
      machines: labMachines(0),
      sshPorts: { 'cloudstack-mgmt': 40011 },
      apiPort: 40012,
      identity: path.join(dir, 'id_ed25519'),
    });
    expect(loadSite(file).site.hosts).toEqual([]);
  });
});
