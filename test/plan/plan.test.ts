import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadRunbook } from '../../src/runbook/load.ts';
import { parseSiteText } from '../../src/site-file/load.ts';
import { buildPlan } from '../../src/plan/build.ts';
import { planJson, planText } from '../../src/plan/render.ts';
import type { Action } from '../../src/runbook/model.ts';

const runbookDir = fileURLToPath(new URL('../fixtures/runbook-good', import.meta.url));
const { runbook } = loadRunbook(runbookDir);

const THREE_HOSTS = `name: three
management: { address: 172.16.10.2, hostname: mgmt }
hosts:
  - { address: 172.16.10.3, hostname: kvm1 }
  - { address: 172.16.10.4, hostname: kvm2, ssh: { host: 127.0.0.1, port: 2204, user: deploy } }
  - { address: 172.16.10.5, hostname: kvm3 }
ssh: { user: root, identity: keys/id_ed25519 }
`;

describe('plan', () => {
  it('runs kvm steps on the management server when all-in-one', () => {
    const { site } = parseSiteText('name: aio\n', '/srv/aio/site.yaml');
    const plan = buildPlan(site, runbook, '/srv/aio/site.yaml');
    expect(plan.machines).toEqual([{ name: 'cloudstack-mgmt', address: '172.16.10.2', role: 'all-in-one', ssh: { host: '172.16.10.2', port: 22, user: 'root' } }]);
    const hosts = Object.fromEntries(plan.steps.map((s) => [s.id, s.hosts]));
    expect(hosts).toEqual({
      hostname: ['cloudstack-mgmt'],
      'hosts-file': ['cloudstack-mgmt'],
      'database-install': ['cloudstack-mgmt'],
      'database-settings': ['cloudstack-mgmt'],
      'zone-create': ['api'],
      'pod-create': ['api'],
      'hosts-add': ['cloudstack-mgmt'],
    });
    expect(plan.variables.ALL_IN_ONE).toBe('yes');
    expect(plan.variables.KVM_HOST_IPS).toBe('172.16.10.2');
  });

  it('expands kvm steps to each of three KVM hosts and applies ssh overrides', () => {
    const { site } = parseSiteText(THREE_HOSTS, '/srv/three/site.yaml');
    const plan = buildPlan(site, runbook, '/srv/three/site.yaml');
    expect(plan.machines.map((m) => [m.name, m.role])).toEqual([['mgmt', 'management'], ['kvm1', 'kvm'], ['kvm2', 'kvm'], ['kvm3', 'kvm']]);
    expect(plan.machines[2]!.ssh).toEqual({ host: '127.0.0.1', port: 2204, user: 'deploy', identity: '/srv/three/keys/id_ed25519' });
    expect(plan.steps.find((s) => s.id === 'hosts-add')!.hosts).toEqual(['kvm1', 'kvm2', 'kvm3']);
    expect(plan.steps.find((s) => s.id === 'hostname')!.hosts).toEqual(['mgmt', 'kvm1', 'kvm2', 'kvm3']);
    expect(plan.steps.find((s) => s.id === 'database-install')!.hosts).toEqual(['mgmt']);
    expect(plan.variables.CLOUD_MACHINES?.split('\n')).toEqual([
      '172.16.10.2 mgmt.cloud.internal mgmt',
      '172.16.10.3 kvm1.cloud.internal kvm1',
      '172.16.10.4 kvm2.cloud.internal kvm2',
      '172.16.10.5 kvm3.cloud.internal kvm3',
    ]);
  });

  it('keeps the page templates for the executor, and shows site values to the reader', () => {
    const { site } = parseSiteText(THREE_HOSTS, '/srv/three/site.yaml');
    const plan = buildPlan(site, runbook, '/srv/three/site.yaml');
    const file = plan.steps.find((s) => s.id === 'hosts-file')!.actions[0]!;
    expect(file.kind === 'file' && file.content).toBe('127.0.0.1 localhost\n${CLOUD_MACHINES}\n');
    const script = plan.steps.find((s) => s.id === 'hostname')!.actions[0]!;
    expect(script.kind === 'sh' && script.script).toBe('hostnamectl set-hostname "${HOST_NAME}"\n');
    const json = planJson(plan);
    const shown = (id: string) => json.steps.find((s) => s.id === id)!.actions[0]!;
    expect(shown('hosts-file')).toMatchObject({ content: expect.stringContaining('172.16.10.5 kvm3.cloud.internal kvm3') });
    expect(shown('zone-create')).toMatchObject({ params: { name: 'Zone1', dns1: '8.8.8.8' } });
    expect(shown('pod-create')).toMatchObject({ params: { zoneid: '${ZONE_ID}' } });
  });

  it('fills a value once: a site value holding ${...} is shown literally, never expanded', () => {
    const { site } = parseSiteText('cloudstack: { repository: "http://mirror.test/${CLOUD_DB_PASSWORD}" }\n', '/s/site.yaml');
    const step = { id: 'repo', title: 'Repo', on: 'all' as const, capture: {}, requires: [], needs: [], prose: '', source: { file: 'r.mdx', line: 1 }, chapter: 'R', url: '/r/#repo', actions: [{ kind: 'file' as const, path: '/etc/apt/x.list', content: 'deb ${CLOUDSTACK_REPOSITORY} bookworm 4.22\n', source: { file: 'r.mdx', line: 2 } }] };
    const json = planJson(buildPlan(site, { dir: '/', chapters: [{ slug: 'r', title: 'R', order: 1, file: 'r.mdx', steps: [step] }] }, '/s/site.yaml'));
    expect(json.steps[0]!.actions[0]).toMatchObject({ content: 'deb http://mirror.test/${CLOUD_DB_PASSWORD} bookworm 4.22\n' });
  });

  it('prints JSON in the contract shape with secrets as <secret>', () => {
    const { site } = parseSiteText('name: aio\n', '/srv/aio/site.yaml');
    const json = planJson(buildPlan(site, runbook, '/srv/aio/site.yaml'));
    const step = json.steps.find((s) => s.id === 'database-settings')!;
    expect(step).toMatchObject({ id: 'database-settings', title: 'Write the database settings', on: 'management', hosts: ['cloudstack-mgmt'], source: { file: '02-database.mdx', line: 12 } });
    expect(step.actions[0]).toEqual({ kind: 'file', path: '/etc/mysql/mariadb.conf.d/60-cloudstack.cnf', content: '[mysqld]\nserver-id = 1\n' });
    expect(json.secrets).toContain('CLOUD_DB_PASSWORD');
  });

  it('masks secret references in file contents', () => {
    const page = { dir: '/', chapters: [{ slug: 'x', title: 'X', order: 1, file: 'x.mdx', steps: [{ id: 's', title: 'S', on: 'management' as const, capture: {}, requires: [], needs: [], prose: '', source: { file: 'x.mdx', line: 1 }, chapter: 'X', url: '/x/#s', actions: [{ kind: 'file' as const, path: '/etc/cloudstack/db', content: 'password=${CLOUD_DB_PASSWORD}\nhost=${MGMT_IP}\n', source: { file: 'x.mdx', line: 2 } }] }] }] };
    const { site } = parseSiteText('', '/s/site.yaml');
    const json = planJson(buildPlan(site, page, '/s/site.yaml'));
    expect(json.steps[0]!.actions[0]).toMatchObject({ content: 'password=<secret>\nhost=172.16.10.2\n' });
  });

  it('reads as chapters with the machines each step runs on', () => {
    const { site } = parseSiteText(THREE_HOSTS, '/srv/three/site.yaml');
    const text = planText(buildPlan(site, runbook, '/srv/three/site.yaml'));
    expect(text).toContain('management + 3 KVM hosts');
    expect(text).toContain('1. Prepare the machines (01-prepare.mdx)');
    expect(text).toMatch(/hosts-add\s+Add the hosts {2}→ kvm1, kvm2, kvm3/);
  });

  it('shows how long CloudStack may take to answer an api call: in the text, and as timeoutSeconds in JSON', () => {
    const actions: Action[] = [
      { kind: 'api' as const, command: 'addHost', text: 'add host ...', params: { zoneid: 'z', podid: 'p', url: 'http://${HOST_IP}', hypervisor: 'KVM' }, source: { file: 'z.mdx', line: 2 } },
      { kind: 'api' as const, command: 'createPod', text: 'create pod ...', params: { zoneid: 'z', name: 'p' }, source: { file: 'z.mdx', line: 3 } },
    ];
    const hostStep = { id: 'hosts-add', title: 'Add hosts', on: 'api' as const, capture: {}, requires: [], needs: [], prose: '', source: { file: 'z.mdx', line: 1 }, chapter: 'Z', url: '/z/#hosts-add', actions };
    const book = { dir: '/', chapters: [{ slug: 'z', title: 'Z', order: 1, file: 'z.mdx', steps: [hostStep] }] };
    const { site } = parseSiteText('', '/s/site.yaml');
    const plan = buildPlan(site, book, '/s/site.yaml');
    const shown = planJson(plan).steps[0]!.actions;
    // the contract's fields unchanged, one field more
    expect(shown[0]).toEqual({ kind: 'api', command: 'addHost', params: { zoneid: 'z', podid: 'p', url: 'http://172.16.10.2', hypervisor: 'KVM' }, timeoutSeconds: 900 });
    expect(shown[1]).toMatchObject({ kind: 'api', command: 'createPod', timeoutSeconds: 60 });
    expect(planText(plan)).toMatch(/hosts-add\s+Add hosts {2}→ api {2}\[addHost waits up to 15 min\]/);
    expect(planText(plan, true)).toContain('api: addHost (waits up to 15 min: the management server sets the agent up over SSH, then waits up to 5 min for it to connect)');
  });

  it('repeats an api line that names a host variable once per KVM host', () => {
    const step = { id: 'hosts-add', title: 'Add hosts', on: 'api' as const, capture: {}, requires: [], needs: [], prose: '', source: { file: 'z.mdx', line: 1 }, chapter: 'Z', url: '/z/#hosts-add', actions: [{ kind: 'api' as const, command: 'addHost', text: 'add host ...', params: { zoneid: '${ZONE_ID}', url: 'http://${HOST_IP}', hypervisor: 'KVM' }, source: { file: 'z.mdx', line: 2 } }] };
    const book = { dir: '/', chapters: [{ slug: 'z', title: 'Z', order: 1, file: 'z.mdx', steps: [step] }] };
    const three = parseSiteText(THREE_HOSTS, '/srv/three/site.yaml').site;
    const urls = buildPlan(three, book, '/srv/three/site.yaml').steps[0]!.actions.map((a) => a.kind === 'api' && a.params.url);
    expect(urls).toEqual(['http://172.16.10.3', 'http://172.16.10.4', 'http://172.16.10.5']);
    const aio = parseSiteText('', '/s/site.yaml').site;
    const one = buildPlan(aio, book, '/s/site.yaml').steps[0]!.actions;
    expect(one).toHaveLength(1);
    expect(one[0]!.kind === 'api' && one[0]!.params).toMatchObject({ url: 'http://172.16.10.2', zoneid: '${ZONE_ID}' });
  });
});
