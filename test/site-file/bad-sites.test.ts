// Each bad site file must be refused with one message that names the field at fault and its
// line: the operator reads the message, not our code.
import { describe, expect, it } from 'vitest';
import { parseSiteText } from '../../src/site-file/load.ts';
import { InputError, type Problem } from '../../src/diagnostics.ts';
import { YAML_ALIAS_BOMB } from '../fixtures/yaml-alias-bomb.ts';

const GOOD = `name: demo
network:
  interface: eth0
  cidr: 172.16.10.0/24
  gateway: 172.16.10.1
  dns: [8.8.8.8, 8.8.4.4]
management:
  address: 172.16.10.2
  hostname: cloudstack-mgmt
hosts:
  - { address: 172.16.10.3, hostname: kvm1 }
  - { address: 172.16.10.4, hostname: kvm2 }
ssh: { user: root }
zone:
  name: Zone1
  public: 172.16.10.11-172.16.10.20
  pod: 172.16.10.21-172.16.10.30
  guestVlans: 100-200
cloudstack:
  version: "4.22"
  repository: https://download.cloudstack.org/debian
`;

function problemsOf(text: string): Problem[] {
  try {
    parseSiteText(text, 'site.yaml');
  } catch (error) {
    if (error instanceof InputError) return error.problems;
    throw error;
  }
  return [];
}

const edit = (from: string, to: string) => {
  if (!GOOD.includes(from)) throw new Error(`fixture does not contain ${from}`);
  return GOOD.replace(from, to);
};

// [what, site text, field named, words the message must hold, line]
const CASES: [string, string, string, RegExp, number?][] = [
  ['cidr not a cidr', edit('172.16.10.0/24', 'banana'), 'network.cidr', /address\/prefix/, 4],
  ['cidr host bits', edit('172.16.10.0/24', '172.16.10.5/24'), 'network.cidr', /host bits/, 4],
  ['cidr prefix too long', edit('172.16.10.0/24', '172.16.10.0/31'), 'network.cidr', /prefix \/31/],
  ['cidr octet too big', edit('172.16.10.0/24', '172.16.300.0/24'), 'network.cidr', /address\/prefix/],
  ['gateway not an ip', edit('gateway: 172.16.10.1', 'gateway: 172.16.10'), 'network.gateway', /not an IPv4/, 5],
  ['gateway outside network', edit('gateway: 172.16.10.1', 'gateway: 10.0.0.1'), 'network.gateway', /not a usable address/],
  ['gateway is network address', edit('gateway: 172.16.10.1', 'gateway: 172.16.10.0'), 'network.gateway', /not a usable address/],
  ['gateway is broadcast', edit('gateway: 172.16.10.1', 'gateway: 172.16.10.255'), 'network.gateway', /not a usable address/],
  ['dns not an ip', edit('[8.8.8.8, 8.8.4.4]', '[8.8.8.8, dns.example]'), 'network.dns[1]', /not an IPv4/],
  ['dns empty list', edit('[8.8.8.8, 8.8.4.4]', '[]'), 'network.dns', /at least 1/],
  ['dns three servers', edit('[8.8.8.8, 8.8.4.4]', '[8.8.8.8, 8.8.4.4, 1.1.1.1]'), 'network.dns', /at most 2/],
  ['interface with space', edit('interface: eth0', 'interface: "eth 0"'), 'network.interface', /not a network interface name/],
  ['interface too long', edit('interface: eth0', 'interface: averyveryverylongname0'), 'network.interface', /not a network interface name/],
  ['interface with a leading dash', edit('interface: eth0', 'interface: -rf'), 'network.interface', /not a network interface name/],
  ['interface is the bridge', edit('interface: eth0', 'interface: cloudbr0'), 'network.interface', /bridge/],
  ['domain invalid', edit('  dns: [8.8.8.8, 8.8.4.4]', '  dns: [8.8.8.8]\n  domain: "bad_domain..x"'), 'network.domain', /not a DNS domain/],
  ['management address invalid', edit('address: 172.16.10.2', 'address: 172.16.10.256'), 'management.address', /not an IPv4/, 8],
  ['management address outside', edit('address: 172.16.10.2', 'address: 192.168.1.2'), 'management.address', /not a usable address/],
  ['management same as gateway', edit('address: 172.16.10.2', 'address: 172.16.10.1'), 'management.address', /already used by network.gateway/],
  ['host same as management', edit('address: 172.16.10.3,', 'address: 172.16.10.2,'), 'hosts[0].address', /already used by management.address/, 11],
  ['two hosts same address', edit('address: 172.16.10.4,', 'address: 172.16.10.3,'), 'hosts[1].address', /already used by hosts\[0\].address/, 12],
  ['host address outside', edit('address: 172.16.10.4,', 'address: 172.16.11.4,'), 'hosts[1].address', /not a usable address/],
  ['management hostname with dot', edit('hostname: cloudstack-mgmt', 'hostname: mgmt.example.com'), 'management.hostname', /not a valid host name/],
  ['hostname with underscore', edit('hostname: kvm1 }', 'hostname: kvm_1 }'), 'hosts[0].hostname', /not a valid host name/],
  ['hostname ends with dash', edit('hostname: kvm1 }', 'hostname: kvm- }'), 'hosts[0].hostname', /not a valid host name/],
  ['duplicate hostname', edit('hostname: kvm2 }', 'hostname: KVM1 }'), 'hosts[1].hostname', /already the name/],
  ['host missing address', edit('{ address: 172.16.10.4, hostname: kvm2 }', '{ hostname: kvm2 }'), 'hosts[1].address', /missing/],
  ['public not a range', edit('public: 172.16.10.11-172.16.10.20', 'public: 172.16.10.11'), 'zone.public', /not a range/],
  ['public reversed', edit('public: 172.16.10.11-172.16.10.20', 'public: 172.16.10.20-172.16.10.11'), 'zone.public', /starts after it ends/],
  ['public outside network', edit('public: 172.16.10.11-172.16.10.20', 'public: 172.16.11.11-172.16.11.20'), 'zone.public', /not inside the network/],
  ['public holds management', edit('public: 172.16.10.11-172.16.10.20', 'public: 172.16.10.2-172.16.10.9'), 'zone.public', /contains 172.16.10.2, used by management.address/],
  ['public holds gateway', edit('public: 172.16.10.11-172.16.10.20', 'public: 172.16.10.1-172.16.10.9'), 'zone.public', /contains 172.16.10.1/],
  ['public too small', edit('public: 172.16.10.11-172.16.10.20', 'public: 172.16.10.11-172.16.10.12'), 'zone.public', /needs? at least 3|need at least 3/],
  ['pod too small', edit('pod: 172.16.10.21-172.16.10.30', 'pod: 172.16.10.21-172.16.10.21'), 'zone.pod', /need at least 3/],
  ['pod overlaps public', edit('pod: 172.16.10.21-172.16.10.30', 'pod: 172.16.10.15-172.16.10.30'), 'zone.pod', /overlaps the public range/],
  ['pod runs past broadcast', edit('pod: 172.16.10.21-172.16.10.30', 'pod: 172.16.10.250-172.16.10.255'), 'zone.pod', /not inside the network/],
  ['vlans not a range', edit('guestVlans: 100-200', 'guestVlans: lots'), 'zone.guestVlans', /not a VLAN range/],
  ['vlans above 4094', edit('guestVlans: 100-200', 'guestVlans: 100-5000'), 'zone.guestVlans', /outside 1-4094/],
  ['vlans zero', edit('guestVlans: 100-200', 'guestVlans: 0-10'), 'zone.guestVlans', /outside 1-4094/],
  ['vlans reversed', edit('guestVlans: 100-200', 'guestVlans: 200-100'), 'zone.guestVlans', /starts after it ends/],
  ['vlans as a number', edit('guestVlans: 100-200', 'guestVlans: 100'), 'zone.guestVlans', /must be text, not/],
  ['zone name with quote', edit('name: Zone1', 'name: "Zone\\"1"'), 'zone.name', /not a usable CloudStack name/],
  ['ssh port too big', edit('ssh: { user: root }', 'ssh: { user: root, port: 70000 }'), 'ssh.port', /at most 65535/],
  ['ssh port zero', edit('ssh: { user: root }', 'ssh: { user: root, port: 0 }'), 'ssh.port', /at least 1/],
  ['ssh port text', edit('ssh: { user: root }', 'ssh: { user: root, port: twenty-two }'), 'ssh.port', /must be a number, not text "twenty-two"/],
  ['machine ssh port too big', edit('{ address: 172.16.10.3, hostname: kvm1 }', '{ address: 172.16.10.3, hostname: kvm1, ssh: { port: 99999 } }'), 'hosts[0].ssh.port', /at most 65535/],
  ['ssh password not boolean', edit('ssh: { user: root }', 'ssh: { user: root, password: hunter2 }'), 'ssh.password', /must be true or false, not text/],
  ['unsupported version', edit('version: "4.22"', 'version: "4.19"'), 'cloudstack.version', /not a version this runbook covers/],
  ['version as a number', edit('version: "4.22"', 'version: 4.22'), 'cloudstack.version', /must be text, not/],
  ['repository not a url', edit('repository: https://download.cloudstack.org/debian', 'repository: download.cloudstack.org'), 'cloudstack.repository', /not an http\(s\) URL/],
  ['repository ftp', edit('repository: https://download.cloudstack.org/debian', 'repository: ftp://mirror.example/cs'), 'cloudstack.repository', /not an http\(s\) URL/],
  ['endpoint not a url', edit('  version: "4.22"', '  version: "4.22"\n  endpoint: localhost:8080'), 'cloudstack.endpoint', /not an http\(s\) URL/],
  ['unknown top-level key, close', edit('name: demo', 'nmae: demo'), 'nmae', /unknown key/, 1],
  ['unknown nested key, close', edit('gateway: 172.16.10.1', 'gatway: 172.16.10.1'), 'network.gatway', /unknown key/, 5],
  ['unknown zone key', edit('guestVlans: 100-200', 'guestVlans: 100-200\n  storageVlans: 300-400'), 'zone.storageVlans', /unknown key/],
  ['hosts not a list', edit('hosts:\n  - { address: 172.16.10.3, hostname: kvm1 }\n  - { address: 172.16.10.4, hostname: kvm2 }', 'hosts: kvm1'), 'hosts', /must be a list, not text/],
  ['network not a mapping', edit('network:\n  interface: eth0\n  cidr: 172.16.10.0/24\n  gateway: 172.16.10.1\n  dns: [8.8.8.8, 8.8.4.4]', 'network: 172.16.10.0/24'), 'network', /must be a mapping, not text/],
  ['storage relative path', GOOD + 'storage: { primary: export/primary }\n', 'storage.primary', /not an absolute export path/],
  ['storage same paths', GOOD + 'storage: { primary: /export/x, secondary: /export/x }\n', 'storage.secondary', /same path/],
  ['site name with dollar', edit('name: demo', 'name: "$(reboot)"'), 'name', /not a usable site name/],
];

describe('bad site files', () => {
  it('has at least 40 distinct cases', () => {
    expect(new Set(CASES.map((c) => c[1])).size).toBe(CASES.length);
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  it('accepts the good file', () => {
    expect(problemsOf(GOOD)).toEqual([]);
  });

  it.each(CASES)('%s', (_what, text, field, words, line) => {
    const problems = problemsOf(text);
    expect(problems.length, 'exactly one problem').toBe(1);
    const [p] = problems;
    expect(p!.field).toBe(field);
    expect(p!.message).toMatch(words);
    expect(p!.fix, 'every problem says how to fix it').toBeTruthy();
    expect(p!.line).toBeGreaterThan(0);
    if (line) expect(p!.line).toBe(line);
  });
});

describe('site file messages', () => {
  it('suggests the key the operator meant', () => {
    const [p] = problemsOf(edit('gateway: 172.16.10.1', 'gatway: 172.16.10.1'));
    expect(p!.fix).toContain('did you mean "gateway"?');
  });

  it('lists the allowed keys when nothing is close', () => {
    const [p] = problemsOf(edit('name: demo', 'name: demo\nflavour: vanilla'));
    expect(p!.fix).toMatch(/allowed here are name, network, management, hosts/);
  });

  it('reports YAML syntax errors with line and column', () => {
    const problems = problemsOf('name: demo\nnetwork:\n  cidr: [unclosed\n');
    expect(problems.length).toBeGreaterThanOrEqual(1);
    expect(problems[0]!.message).toMatch(/^YAML syntax/);
    expect(problems[0]!.line).toBeGreaterThanOrEqual(3);
    expect(problems[0]!.column).toBeGreaterThan(0);
  });

  it('reports every problem of a file at once', () => {
    const text = edit('gateway: 172.16.10.1', 'gateway: nope').replace('guestVlans: 100-200', 'guestVlans: 9000-9001');
    const fields = problemsOf(text).map((p) => p.field);
    expect(fields).toEqual(expect.arrayContaining(['network.gateway', 'zone.guestVlans']));
  });

  it('rejects duplicate keys', () => {
    const problems = problemsOf('name: a\nname: b\n');
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toBe('"name" is written twice in the same mapping');
    expect(problems[0]!.line).toBe(2);
  });

  it('tells an alias bomb from an alias without its anchor', () => {
    expect(problemsOf(YAML_ALIAS_BOMB).map((p) => p.message)).toEqual(['YAML aliases expand too far to be read safely']);
    const dangling = problemsOf('name: *nowhere\n');
    expect(dangling).toHaveLength(1);
    expect(dangling[0]!.fix).toContain('set the anchor (&name) before the alias');
  });

  it('rejects YAML tags it does not know instead of running them', () => {
    const problems = problemsOf('name: !!js/function "function(){}"\n');
    expect(problems.length).toBeGreaterThan(0);
  });

  it('refuses an empty or comment-only file, naming runbook init', () => {
    for (const text of ['', '\n\n', '# only a comment\n  # and another\n', '---\n']) {
      const problems = problemsOf(text);
      expect(problems, JSON.stringify(text)).toHaveLength(1);
      expect(problems[0]!.message).toBe('the site file is empty: it names no machines or addresses');
      expect(problems[0]!.fix).toContain('runbook init --force');
    }
  });

  it('fills the defaults for what a file leaves out (all-in-one without hosts)', () => {
    const { site } = parseSiteText('name: demo\n', 'site.yaml');
    expect(site.hosts).toEqual([]);
    expect(site.management.address).toBe('172.16.10.2');
    expect(site.zone.public).toBe('172.16.10.11-172.16.10.20');
  });
});
