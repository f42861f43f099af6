// `runbook export --format ansible`: the plan as a playbook, one play per chapter and one
// block per step, in document order. Scripts run through `bash -euo pipefail` with the site's
// values as environment; files go through `copy` with the same content, mode and owner; a
// step's check guards it (a second run reports no changes); api steps go through a small
// bundled module (library/cloudstack_api.py). Secrets live only in secrets.yml.
import { readFileSync } from 'node:fs';
import { apiReference } from '../cloudstack/api-reference.ts';
import type { Plan, PlannedStep } from '../plan/model.ts';
import type { FileAction } from '../runbook/model.ts';
import { ansibleCfg, ansibleReadme, groupVars, inventory, secretsYaml } from './ansible-files.ts';
import { apiStepSpec, needsDoneMarker, runtimeNames, secretsMentioned, stepFingerprint, type ExportFile } from './shared.ts';
import { jinjaLiteral, noqa, taskName, toYaml, unsafe } from './yaml-out.ts';
import { VARIABLE_REFERENCE } from '../runbook/variable-refs.ts';

type Task = Record<string, unknown>;

const SECRETS_ENV = '{% for name, value in runbook_secrets.items() %}{{ name }}={{ value | quote }}\n{% endfor %}';
/** Reads the secrets from stdin (they travel inside the module's arguments, never on a command line). */
const WITH_SECRETS = 'set -a; . /dev/stdin; set +a; exec bash -euo pipefail -c "$1" runbook-step </dev/null';

function group(step: PlannedStep): string | undefined {
  if (step.on === 'management') return "'management' in group_names";
  if (step.on === 'kvm') return "'kvm' in group_names";
  return undefined;
}

/** After the script, touch the done marker ($2); the task's `creates` skips it next time. */
const AND_MARK = ' && mkdir -p -- "${2%/*}" && touch -- "$2"';

/**
 * A `command` task running `script` as the installer does; secrets through stdin when used.
 * With `done`, the script records that it ran in that file, and the task is skipped once it exists.
 */
function scriptTask(name: string, script: string, secrets: boolean, done?: string): Task {
  let argv: string[];
  if (done) {
    const run = secrets ? WITH_SECRETS.replace('exec ', '') : 'bash -euo pipefail -c "$1" runbook-step </dev/null';
    argv = ['bash', '-c', `${run}${AND_MARK}`, 'runbook-step', unsafe(script), done];
  } else {
    argv = secrets ? ['bash', '-c', WITH_SECRETS, 'runbook-env', unsafe(script)] : ['bash', '-euo', 'pipefail', '-c', unsafe(script)];
  }
  return {
    name: taskName(name, script),
    'ansible.builtin.command': {
      argv,
      chdir: '/',
      ...(done ? { creates: done } : {}),
      ...(secrets ? { stdin: SECRETS_ENV, stdin_add_newline: false } : {}),
    },
    ...(secrets ? { no_log: true } : {}),
  };
}

/** `${NAME}` references the run fills in become Jinja; everything else stays as written. */
function templated(text: string, plan: Plan): string {
  const names = new Set(runtimeNames(text, plan));
  if (names.size === 0) return unsafe(text);
  let out = '';
  let last = 0;
  for (const m of text.matchAll(VARIABLE_REFERENCE)) {
    if (!names.has(m[1]!)) continue;
    out += jinjaLiteral(text.slice(last, m.index));
    out += plan.secrets.includes(m[1]!) ? `{{ runbook_secrets['${m[1]}'] }}` : `{{ runbook_environment['${m[1]}'] }}`;
    last = m.index! + m[0].length;
  }
  return out + jinjaLiteral(text.slice(last));
}

function fileTask(name: string, action: FileAction, plan: Plan): Task {
  const [owner, groupName] = (action.owner ?? '').split(':');
  const secret = plan.secrets.some((s) => action.content.includes(`\${${s}}`));
  return {
    name: taskName(name, action.content, action.path),
    'ansible.builtin.copy': {
      // Without a mode, a new file gets 0644 and an existing one keeps its own, as the installer does.
      dest: action.mode ? templated(action.path, plan) : noqa(templated(action.path, plan), 'risky-file-permissions'),
      content: templated(action.content, plan),
      ...(action.mode ? { mode: action.mode } : {}),
      ...(owner ? { owner } : {}),
      ...(groupName ? { group: groupName } : {}),
    },
    ...(secret ? { diff: false } : {}),
  };
}

function withRetries(task: Task, step: PlannedStep): Task {
  const out: Task = { ...task, timeout: step.timeout };
  if (step.retries > 0) Object.assign(out, { register: 'runbook_attempt', retries: step.retries, delay: 2, until: 'runbook_attempt is succeeded' });
  return out;
}

function hostStepTasks(step: PlannedStep, plan: Plan): Task[] {
  const secrets = secretsMentioned(step, plan).length > 0;
  const marker = needsDoneMarker(step);
  const fingerprint = marker ? stepFingerprint(step, plan) : '';
  const markerPath = `{{ runbook_done_dir }}/{{ inventory_hostname }}.${step.id}`;
  if (marker && step.actions.length === 1 && !step.verify) {
    // One script, no check: a single task that records itself done, skipped by `creates`.
    const done = `{{ runbook_done_dir }}/{{ inventory_hostname }}.${step.id}.${fingerprint}`;
    const task = scriptTask(`Action 1 of ${step.id}: sh`, (step.actions[0] as { script: string }).script, secrets, done);
    return [withRetries(task, step)];
  }
  const tasks: Task[] = [];
  if (step.check) {
    tasks.push({ ...scriptTask(`Check whether ${step.id} is done`, step.check, secrets), register: 'runbook_check', changed_when: false, failed_when: false });
  } else if (marker) {
    tasks.push({
      name: `Check whether ${step.id} is done (marker)`,
      'ansible.builtin.command': { argv: ['bash', '-c', 'test "$(cat -- "$1" 2>/dev/null)" = "$2"', 'runbook-marker', markerPath, fingerprint] },
      register: 'runbook_check',
      changed_when: false,
      failed_when: false,
    });
  }
  const guarded = step.check !== undefined || marker;
  const actions: Task[] = [];
  step.actions.forEach((action, i) => {
    const label = `Action ${i + 1} of ${step.id}:`;
    if (action.kind === 'sh') actions.push(withRetries({ ...scriptTask(`${label} sh`, action.script, secrets), changed_when: true }, step));
    else if (action.kind === 'file') actions.push(withRetries(fileTask(`${label} file ${action.path}`, action, plan), step));
  });
  if (step.verify) actions.push(withRetries({ ...scriptTask(`Verify ${step.id}`, step.verify, secrets), changed_when: false }, step));
  if (marker) {
    actions.push(
      { name: `Record ${step.id} as done (folder)`, 'ansible.builtin.file': { path: '{{ runbook_done_dir }}', state: 'directory', mode: '0700' } },
      { name: `Record ${step.id} as done`, 'ansible.builtin.copy': { dest: markerPath, content: `${fingerprint}\n`, mode: '0600' } },
    );
  }
  if (!guarded) return [...tasks, ...actions];
  return [...tasks, { name: `Run ${step.id} unless done`, when: 'runbook_check.rc != 0', block: actions }];
}

function apiStepTasks(step: PlannedStep): Task[] {
  const spec = apiStepSpec(step, (api) => apiReference().apis[api]?.async ?? false);
  const deep = (v: unknown): unknown =>
    typeof v === 'string' ? unsafe(v) : Array.isArray(v) ? v.map(deep) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, deep(x)])) : v;
  return [
    {
      name: `API calls of ${step.id}`,
      cloudstack_api: {
        endpoint: '{{ runbook_api_endpoint }}',
        state_file: '{{ runbook_api_state_file }}',
        step: deep(spec),
        variables: '{{ runbook_variables | combine(runbook_captured | default({})) }}',
        secrets: '{{ runbook_secrets }}',
        timeout: step.timeout,
      },
      delegate_to: 'localhost',
      run_once: true,
      register: 'runbook_api',
      ...(step.retries > 0 ? { retries: step.retries, delay: 2, until: 'runbook_api is succeeded' } : {}),
    },
    {
      name: `Keep the values ${step.id} captured`,
      'ansible.builtin.set_fact': { runbook_captured: '{{ runbook_captured | default({}) | combine(runbook_api.captured) }}' },
      run_once: true,
    },
  ];
}

function stepBlock(step: PlannedStep, plan: Plan): Task {
  const tasks = step.on === 'api' ? apiStepTasks(step) : hostStepTasks(step, plan);
  const when = group(step);
  const tags = [step.id, ...(step.needs.includes('cloudstack-repo') ? ['needs-cloudstack-repo'] : [])];
  return { name: `Step ${step.id}: ${step.title}`, ...(when ? { when } : {}), tags, block: tasks };
}

export function playbook(plan: Plan): string {
  const chapters: { title: string; steps: PlannedStep[] }[] = [];
  for (const step of plan.steps) {
    const last = chapters.at(-1);
    if (last && last.title === step.chapter) last.steps.push(step);
    else chapters.push({ title: step.chapter, steps: [step] });
  }
  const plays = chapters.map((c) => ({
    name: `Chapter: ${c.title}`,
    hosts: 'all',
    gather_facts: false,
    vars_files: ['secrets.yml'],
    environment: '{{ runbook_environment }}',
    tasks: c.steps.map((s) => stepBlock(s, plan)),
  }));
  return toYaml(plays, ` CloudStack Runbook for site "${plan.siteName}": one play per chapter, one block per step.\n Exported by \`runbook export --format ansible\`; the runbook pages are the source, edit those.\n Run: ansible-playbook site.yml (add --ask-vault-pass once secrets.yml is encrypted).`);
}

const LINT_CONFIG = `---
# The scripts and file contents in site.yml are the runbook's, verbatim: their lines stay as
# long as the runbook writes them.
skip_list:
  - yaml[line-length]
`;

const MODULE = () => readFileSync(new URL('./assets/cloudstack_api.py', import.meta.url), 'utf8');

/** Every file of the Ansible export. */
export function ansibleExport(plan: Plan, secrets: Record<string, string>): ExportFile[] {
  return [
    { path: 'ansible.cfg', content: ansibleCfg(plan), mode: 0o644 },
    { path: '.ansible-lint', content: LINT_CONFIG, mode: 0o644 },
    { path: 'inventory.yml', content: inventory(plan), mode: 0o644 },
    { path: 'group_vars/all/runbook.yml', content: groupVars(plan), mode: 0o644 },
    { path: 'secrets.yml', content: secretsYaml(plan, secrets), mode: 0o600 },
    { path: 'site.yml', content: playbook(plan), mode: 0o644 },
    { path: 'library/cloudstack_api.py', content: MODULE(), mode: 0o755 },
    { path: 'README.md', content: ansibleReadme(plan), mode: 0o644 },
  ];
}
