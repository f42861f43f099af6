// The bridge step's rewrite of /etc/network/interfaces, run exactly as the page writes it
// (the cloudbr0-interfaces script with a KVM host's values filled in) against fixture files:
// only the chosen interface's stanzas change, everything else a machine has stays.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { bundledPlan, environmentOn, fileContent, stepOf } from './page-script.ts';

const fixture = (name: string) =>
  readFileSync(fileURLToPath(new URL(`../fixtures/interfaces/${name}`, import.meta.url)), 'utf8');

const dir = mkdtempSync(join(tmpdir(), 'rb-bridge-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The page's script for a KVM host at .3 whose site names `nic` as the interface. */
function generator(nic = 'eth0'): string {
  const plan = bundledPlan({
    network: { interface: nic },
    hosts: [{ address: '172.16.10.3', hostname: 'kvm1' }],
  });
  const file = join(dir, `cloudbr0-interfaces-${nic}`);
  writeFileSync(
    file,
    fileContent(
      stepOf(plan, 'bridge'),
      '/usr/local/sbin/cloudbr0-interfaces',
      environmentOn(plan, 'kvm1'),
    ),
  );
  return file;
}

function rewrite(input: string, nic = 'eth0') {
  // Debian's /bin/sh and awk (dash, mawk), as on the hosts.
  return spawnSync('sh', [generator(nic)], { input, encoding: 'utf8' });
}

/** The stanzas of a file: each starts at a keyword line, with its option lines (comments left out). */
function stanzas(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (/^\s*(#|$)/.test(line)) continue;
    if (/^(iface|mapping|auto|allow-\S+|source|source-directory)\b/.test(line.trim()))
      out.push(line.trim());
    else if (out.length) out[out.length - 1] += `\n${line.trim()}`;
  }
  return out;
}

describe('the bridge step rewrites /etc/network/interfaces', () => {
  it('moves only eth0 onto cloudbr0 in a multi-NIC file (golden file)', () => {
    const result = rewrite(fixture('multi-nic.interfaces'));
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(fixture('multi-nic.cloudbr0'));
  });

  it("keeps every stanza and comment that is not eth0's, in order", () => {
    const input = fixture('multi-nic.interfaces');
    const output = rewrite(input).stdout;
    const kept = stanzas(input).filter(
      (s) => !/^(iface eth0 |auto eth2 eth0|allow-hotplug eth0)/.test(s),
    );
    const after = stanzas(output);
    let at = 0;
    for (const s of kept) {
      const found = after.indexOf(s, at);
      expect(found, `${s} is kept in order`).toBeGreaterThanOrEqual(0);
      at = found + 1;
    }
    expect(output).toContain('source /etc/network/interfaces.d/*\n');
    expect(output).toContain(
      '    post-up ip route add 10.0.1.0/24 via 10.0.0.1 \\\n        dev eth1\n',
    );
    for (const comment of input.split('\n').filter((l) => l.trim().startsWith('#')))
      expect(output).toContain(comment.trim());
  });

  it('gives cloudbr0 the address, the route and what went with them, and eth0 nothing but its port options', () => {
    const after = stanzas(rewrite(fixture('multi-nic.interfaces')).stdout);
    expect(after).toContain('iface eth0 inet manual\nmtu 9000');
    const bridge = after.find((s) => s.startsWith('iface cloudbr0 inet static'))!;
    expect(bridge.split('\n')).toEqual([
      'iface cloudbr0 inet static',
      'address 172.16.10.3/24',
      'gateway 172.16.10.1',
      'dns-nameservers 8.8.8.8 8.8.4.4',
      'dns-search cloud.internal',
      'mtu 9000',
      'bridge_ports eth0',
      'bridge_stp off',
      'bridge_fd 0',
      'bridge_maxwait 1',
    ]);
    expect(after).toContain('auto cloudbr0');
    expect(after).toContain(
      'iface cloudbr0 inet6 static\naddress 2001:db8::3/64\ngateway 2001:db8::1',
    );
    expect(
      after.filter(
        (s) => /\beth0\b/.test(s.split('\n')[0]!) && !s.startsWith('iface eth0 inet manual'),
      ),
    ).toEqual([]);
    expect(after).toContain('auto eth2');
  });

  it("turns the file the Debian installer writes into the one upstream's KVM guide shows", () => {
    const result = rewrite(fixture('debian-installer.interfaces'), 'ens18');
    expect(result.status, result.stderr).toBe(0);
    expect(stanzas(result.stdout)).toEqual([
      'source /etc/network/interfaces.d/*',
      'auto lo',
      'iface lo inet loopback',
      'iface ens18 inet manual',
      'auto cloudbr0',
      'iface cloudbr0 inet static\naddress 172.16.10.3/24\ngateway 172.16.10.1\ndns-nameservers 172.16.10.1\nbridge_ports ens18\nbridge_stp off\nbridge_fd 0\nbridge_maxwait 1',
    ]);
  });

  it.each([
    [
      'has no stanza for the interface',
      'auto lo\niface lo inet loopback\n',
      /no "iface eth0 inet" stanza/,
    ],
    [
      'already has a bridge',
      'iface eth0 inet manual\nauto cloudbr0\niface cloudbr0 inet static\n  address 172.16.10.3/24\n',
      /already configures cloudbr0/,
    ],
    [
      'has two inet stanzas for it',
      'iface eth0 inet static\n address 1.2.3.4/24\niface eth0 inet dhcp\n',
      /more than one "iface eth0 inet" stanza/,
    ],
  ])('refuses a file that %s, saying so', (_what, input, message) => {
    const result = rewrite(input);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(message);
  });
});
