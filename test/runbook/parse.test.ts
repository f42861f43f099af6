import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadRunbook } from '../../src/runbook/load.ts';
import { parsePage } from '../../src/runbook/parse.ts';
import { validateRunbook } from '../../src/runbook/validate.ts';
import { knownVariableNames } from '../../src/site-file/variables.ts';
import { allSteps } from '../../src/runbook/model.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

describe('runbook parser on a good runbook', () => {
  const { runbook, problems } = loadRunbook(fixture('runbook-good'));

  it('finds no problems', () => {
    expect(problems).toEqual([]);
    expect(validateRunbook(runbook, knownVariableNames())).toEqual([]);
  });

  it('orders chapters by sidebar order and keeps steps in document order', () => {
    expect(runbook.chapters.map((c) => c.title)).toEqual(['Prepare the machines', 'Database', 'The zone']);
    expect(allSteps(runbook).map((s) => s.id)).toEqual(['hostname', 'hosts-file', 'database-install', 'database-settings', 'zone-create', 'pod-create', 'hosts-add']);
  });

  it('reads attributes, source lines and docs URLs', () => {
    const [hostname] = allSteps(runbook);
    expect(hostname).toMatchObject({
      title: 'Set the host name',
      on: 'all',
      check: 'test "$(hostname)" = "${HOST_NAME}"',
      source: { file: '01-prepare.mdx', line: 9 },
      url: '/01-prepare/#hostname',
    });
    expect(hostname!.prose).toContain("The host name is the machine's short name");
    const install = allSteps(runbook).find((s) => s.id === 'database-install')!;
    expect(install).toMatchObject({ retries: 2, timeout: 900 });
    expect(allSteps(runbook).find((s) => s.id === 'hosts-add')!.needs).toEqual(['cloudstack-repo']);
  });

  it('turns code blocks into sh, file and api actions, skipping norun', () => {
    const steps = allSteps(runbook);
    expect(steps[0]!.actions).toEqual([{ kind: 'sh', script: 'hostnamectl set-hostname "${HOST_NAME}"\n', source: { file: '01-prepare.mdx', line: 12 } }]);
    expect(steps[1]!.actions[0]).toMatchObject({ kind: 'file', path: '/etc/hosts', mode: '0644', owner: 'root:root', content: '127.0.0.1 localhost\n${CLOUD_MACHINES}\n' });
    const pod = steps.find((s) => s.id === 'pod-create')!;
    expect(pod.actions[0]).toMatchObject({ kind: 'api', command: 'createPod', params: { name: '${POD_NAME}', zoneid: '${ZONE_ID}' } });
    expect(pod.capture).toEqual({ POD_ID: 'id' });
    // The norun sample block on page 1 is shown, never run.
    expect(runbook.chapters[0]!.steps.flatMap((s) => s.actions).some((a) => a.kind === 'sh' && a.script.includes('$ hostname'))).toBe(false);
  });
});

describe('runbook parser on bad pages', () => {
  const { runbook, problems: parseProblems } = loadRunbook(fixture('runbook-bad'));
  const problems = [...parseProblems, ...validateRunbook(runbook, knownVariableNames())];
  const at = (line: number) => problems.filter((p) => p.line === line).map((p) => p.message);

  it('gives file and line in every message', () => {
    for (const p of problems) {
      expect(p.file).toBe('bad.mdx');
      expect(p.line).toBeGreaterThan(0);
      expect(p.fix).toBeTruthy();
    }
  });

  it('reports each kind of mistake where it is', () => {
    expect(at(12)).toEqual(expect.arrayContaining([
      'unknown step attribute "colour"',
      'unknown on="everywhere"',
      'step id "dup" is already used at bad.mdx:6',
    ]));
    expect(at(13)).toEqual(['the script uses ${NOT_DEFINED}, which the site does not define']);
    expect(at(18)).toEqual(expect.arrayContaining(['step id "Bad_Id" may only hold a-z, 0-9 and -', 'requires "nowhere", which is no step']));
    expect(at(20)).toEqual(['createZone needs the parameter "dns1"', 'createZone needs the parameter "internaldns1"', 'createZone needs the parameter "networktype"']);
    expect(at(21)).toEqual(['"frobnicate widget" is not a CloudStack API']);
    expect(at(22)).toEqual(['listZones has no parameter "bogusparam"']);
    expect(at(27)).toEqual(['file block title "etc/foo.conf" is not an absolute path']);
    expect(at(32)).toEqual(['a sh block outside any step would be shown but never run']);
  });

  it('does not flag lower-case script variables', () => {
    expect(problems.some((p) => p.message.includes('lower_is_fine'))).toBe(false);
  });
});

describe('single pages', () => {
  const page = (body: string) => `---\ntitle: T\nsidebar: { order: 1 }\n---\n\n${body}\n`;

  it('reports MDX syntax errors with a line and a hint about quoting', () => {
    const { problems } = parsePage(page(':::step[X]{#x on="all" check="test \\"a\\" = b"}\n```sh\ntrue\n```\n:::'), 'p.mdx');
    expect(problems).toHaveLength(1);
    expect(problems[0]!.line).toBe(6);
    expect(problems[0]!.fix).toMatch(/single quotes/);
  });

  it('rejects a step with no id, no on, no title', () => {
    const { problems } = parsePage(page(':::step\n```sh\ntrue\n```\n:::'), 'p.mdx');
    expect(problems.map((p) => p.message)).toEqual(expect.arrayContaining(['the step has no id', 'the step has no on="..."', 'the step has no title']));
  });

  it('rejects cmk outside api steps and shell inside them', () => {
    const a = parsePage(page(':::step[X]{#x on="all"}\n```cmk\nlist zones\n```\n:::'), 'p.mdx');
    expect(a.problems.map((p) => p.message)).toContain('cmk blocks run only in on="api" steps');
    const b = parsePage(page(':::step[X]{#x on="api"}\n```sh\ntrue\n```\n:::'), 'p.mdx');
    expect(b.problems.map((p) => p.message)).toContain('an api step cannot run shell scripts');
  });

  it('reads quoted cmk values and map parameters', () => {
    const { chapter, problems } = parsePage(page(':::step[X]{#x on="api"}\n```cmk\ncreate storagepool name="Primary 1" zoneid=z url=nfs://h/p details[0].key=nfsmountopts details[0].value=vers=4\n```\n:::'), 'p.mdx');
    expect(problems).toEqual([]);
    expect(chapter.steps[0]!.actions[0]).toMatchObject({ command: 'createStoragePool', params: { name: 'Primary 1', 'details[0].key': 'nfsmountopts', 'details[0].value': 'vers=4' } });
  });

  it('knows captured variables only after the capturing step', () => {
    const { runbook } = { runbook: { dir: '/', chapters: [parsePage(page(':::step[A]{#a on="api"}\n```cmk\nlist zones id=${ZONE_ID}\n```\n:::\n\n:::step[B]{#b on="api" capture="ZONE_ID=id"}\n```cmk\nlist zones\n```\n:::'), 'p.mdx').chapter] } };
    const messages = validateRunbook(runbook, knownVariableNames()).map((p) => `${p.line}: ${p.message}`);
    expect(messages).toEqual(['8: the listZones call uses ${ZONE_ID}, which the site does not define']);
  });
});
