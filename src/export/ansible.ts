// `runbook export --format ansible`: the plan as an Ansible project. One role per chapter
// (roles/<chapter>/tasks/main.yml, its files and templates beside it), a short site.yml that
// applies them in the runbook's order to the `management` and `kvm` groups, the site's values
// in group_vars/, the secrets in group_vars/all/secrets.yml (ansible-vault encrypted unless
// the operator asks for plain text). Each step is a block named after the step and tagged with
// its id and its chapter. See ansible-host.ts and ansible-api.ts for how a step becomes tasks.
import type { Plan, PlannedStep } from '../plan/model.ts';
import { apiStepCondition, apiStepTasks, type ApiTaskUse } from './ansible-api.ts';
import { FORGET_KEYS_TASK, firstContactTasks } from './ansible-first-contact.ts';
import {
  ansibleCfg,
  connectionVars,
  groupVars,
  inventory,
  knownHostsFile,
  secretsYaml,
} from './ansible-files.ts';
import { hostStepTasks, RoleFiles, type CommandUse } from './ansible-host.ts';
import { ansibleReadme } from './ansible-readme.ts';
import type { ExportFile } from './shared.ts';
import { toYaml } from './yaml-out.ts';

type Task = Record<string, unknown>;

export interface Chapter {
  title: string;
  /** The chapter's page slug: its tag. */
  slug: string;
  /** The role's name (Ansible role names are [a-z][a-z0-9_]*). */
  role: string;
  steps: PlannedStep[];
}

export function chaptersOf(plan: Plan): Chapter[] {
  const chapters: Chapter[] = [];
  const roles = new Set<string>(['cloudstack_api']);
  for (const step of plan.steps) {
    const slug = step.url.split('/').filter(Boolean)[0] ?? 'runbook';
    const last = chapters.at(-1);
    if (last && last.slug === slug) {
      last.steps.push(step);
      continue;
    }
    const base =
      slug
        .replace(/^[^a-z]+/, '')
        .replace(/[^a-z0-9]+/g, '_')
        .replace(/_+$/, '') || 'chapter';
    let role = base;
    for (let i = 2; roles.has(role); i++) role = `${base}_${i}`;
    roles.add(role);
    chapters.push({ title: step.chapter, slug, role, steps: [step] });
  }
  return chapters;
}

function groupCondition(step: PlannedStep, groups: Set<string>): string | undefined {
  if (groups.size < 2) return undefined;
  if (step.on === 'management') return "'management' in group_names";
  if (step.on === 'kvm') return "'kvm' in group_names";
  return undefined;
}

/** The groups a chapter's play runs on. */
function groupsOf(chapter: Chapter): Set<string> {
  const groups = new Set<string>();
  for (const s of chapter.steps) {
    if (s.on === 'all') groups.add('management').add('kvm');
    else groups.add(s.on === 'api' ? 'management' : s.on);
  }
  return groups;
}

/** Tags of a step: its id, its chapter, and the steps whose captures it needs, so `--tags ID` works alone. */
function tagsOf(step: PlannedStep, chapter: Chapter, plan: Plan): string[] {
  const tags = [step.id, chapter.slug];
  if (step.needs.includes('cloudstack-repo')) tags.push('needs-cloudstack-repo');
  // A step that captures a value is also run for every later step that uses it.
  const names = Object.keys(step.capture);
  if (names.length) {
    for (const later of plan.steps) {
      const text = JSON.stringify(later.actions);
      if (later !== step && names.some((n) => text.includes(`\${${n}}`))) tags.push(later.id);
    }
  }
  return [...new Set(tags)];
}

export interface RoleOut {
  files: ExportFile[];
  commands: CommandUse[];
  api: ApiTaskUse[];
  /** The `command` tasks the API steps became (`cs` calls: reads, lookups, calls), counted as emitted. */
  apiCommands: number;
}

function roleFiles(chapter: Chapter, plan: Plan): RoleOut {
  const files = new RoleFiles();
  const commands: CommandUse[] = [];
  const api: ApiTaskUse[] = [];
  let apiCommands = 0;
  const groups = groupsOf(chapter);
  const tasks: Task[] = [];
  const apiSteps = chapter.steps.filter((s) => s.on === 'api');
  // Every step that may run alone with --tags gets the API keys first.
  const apiTags = [
    ...new Set([chapter.slug, ...apiSteps.flatMap((s) => tagsOf(s, chapter, plan))]),
  ];
  let keysFetched = false;
  for (const step of chapter.steps) {
    if (step.on === 'api' && !keysFetched) {
      keysFetched = true;
      tasks.push({
        name: 'Get the CloudStack API keys',
        'ansible.builtin.import_role': { name: 'cloudstack_api' },
        tags: apiTags,
      });
    }
    const when = step.on === 'api' ? apiStepCondition(step, plan) : groupCondition(step, groups);
    let block: Task[];
    const extra: Task = {};
    if (step.on === 'api') {
      const out = apiStepTasks(step, plan);
      block = out.tasks;
      api.push(...out.uses);
      apiCommands += out.tasks.filter((t) => 'ansible.builtin.command' in t).length;
      Object.assign(extra, {
        delegate_to: 'localhost',
        run_once: true,
        environment: {
          CLOUDSTACK_CONFIG: "{{ runbook_cs_config | default('') }}",
          CLOUDSTACK_OVERRIDES: 'timeout',
          CLOUDSTACK_TIMEOUT: String(step.timeout),
        },
      });
    } else {
      block = hostStepTasks(step, plan, files, commands);
    }
    tasks.push({
      name: step.title,
      ...(when ? { when } : {}),
      tags: tagsOf(step, chapter, plan),
      ...extra,
      block,
    });
  }
  if (keysFetched)
    tasks.push({ ...FORGET_KEYS_TASK, delegate_to: 'localhost', run_once: true, tags: apiTags });
  const header = ` Chapter "${chapter.title}" of the CloudStack Runbook: one block per step, in the page's order.\n Exported by \`runbook export --format ansible\`; the runbook pages are the source, edit those.`;
  const out: ExportFile[] = [
    { path: `roles/${chapter.role}/tasks/main.yml`, content: toYaml(tasks, header), mode: 0o644 },
    ...files.files.map((f) => ({
      path: `roles/${chapter.role}/${f.path}`,
      content: f.content,
      mode: 0o644,
    })),
  ];
  return { files: out, commands, api, apiCommands };
}

function playbook(plan: Plan, chapters: Chapter[]): string {
  const plays = chapters.map((c) => {
    const groups = [...groupsOf(c)];
    const api = c.steps.some((s) => s.on === 'api');
    return {
      name: c.title,
      hosts: groups.join(':'),
      gather_facts: false,
      environment: '{{ runbook_environment }}',
      ...(api
        ? {
            module_defaults: {
              'group/ngine_io.cloudstack.cloudstack': {
                api_url: '{{ runbook_api_endpoint }}',
                api_key: "{{ runbook_api_key | default('') }}",
                api_secret: "{{ runbook_api_secret | default('') }}",
              },
            },
          }
        : {}),
      roles: [c.role],
    };
  });
  return toYaml(
    plays,
    [
      ` CloudStack Runbook for site "${plan.siteName}": one play per chapter, in the runbook's order.`,
      ' Exported by `runbook export --format ansible`; the runbook pages are the source, edit those.',
      ' Run: ansible-playbook site.yml --vault-password-file FILE   (see README.md)',
    ].join('\n'),
  );
}

const LINT_CONFIG = `---
# ansible-lint settings for the CloudStack Runbook export.
profile: production
# The scripts and file contents are the runbook's, verbatim: their lines stay as long as the
# runbook writes them.
skip_list:
  - yaml[line-length]
`;

/** The Ansible project, with the secrets file still in plain text (writeExport or vault.ts encrypts it). */
export function ansibleExport(
  plan: Plan,
  secrets: Record<string, string>,
  knownHosts: string,
  outDir: string,
): ExportFile[] {
  const chapters = chaptersOf(plan);
  const roles = chapters.map((c) => roleFiles(c, plan));
  const hasApi = plan.steps.some((s) => s.on === 'api');
  const firstContact = toYaml(
    [
      {
        name: 'First contact with the CloudStack API',
        delegate_to: 'localhost',
        run_once: true,
        block: firstContactTasks(900),
      },
    ],
    ' What the installer does first on a fresh management server: log in, set ADMIN_PASSWORD, make API keys.',
  );
  return [
    { path: 'ansible.cfg', content: ansibleCfg(plan), mode: 0o644 },
    { path: '.ansible-lint', content: LINT_CONFIG, mode: 0o644 },
    { path: 'inventory.yml', content: inventory(plan, outDir), mode: 0o644 },
    { path: 'known_hosts', content: knownHostsFile(plan, knownHosts), mode: 0o644 },
    { path: 'group_vars/all/runbook.yml', content: groupVars(plan), mode: 0o644 },
    { path: 'group_vars/all/connection.yml', content: connectionVars(plan, outDir), mode: 0o644 },
    { path: 'group_vars/all/secrets.yml', content: secretsYaml(plan, secrets), mode: 0o600 },
    { path: 'site.yml', content: playbook(plan, chapters), mode: 0o644 },
    ...(hasApi
      ? [{ path: 'roles/cloudstack_api/tasks/main.yml', content: firstContact, mode: 0o644 }]
      : []),
    ...roles.flatMap((r) => r.files),
    { path: 'README.md', content: ansibleReadme(plan, chapters, roles), mode: 0o644 },
  ];
}

export const ANSIBLE_SECRETS_FILE = 'group_vars/all/secrets.yml';
