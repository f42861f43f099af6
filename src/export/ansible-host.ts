// The host steps of the Ansible export. A step's check becomes a task that never fails and
// never changes anything (it runs in check mode too, and there reports "changed" when the
// step would run); the step's actions run only when it fails. A file becomes a copy (files/)
// or template (templates/) task with the same content, mode and owner; a script becomes the
// modules that do its lines exactly (shell-modules.ts) or a command running it, from the
// role's files/, through `bash -euo pipefail` from `/` as the installer runs it. Steps without
// a check record a done marker, as the installer's journal does.
import type { Plan, PlannedStep } from '../plan/model.ts';
import type { FileAction } from '../runbook/model.ts';
import { needsDoneMarker, secretsMentioned, stepFingerprint } from './shared.ts';
import { splitScript, type ScriptPart } from './shell-modules.ts';
import { hostVars, jinjaValue, runtimeRefs, templateText } from './jinja.ts';
import { noqa, taskName, unsafe } from './yaml-out.ts';

type Task = Record<string, unknown>;

/** A file of a role, relative to the role's folder. */
export interface RoleFile {
  path: string;
  content: string;
}

/** A command or shell task the export could not make a module, and why. */
export interface CommandUse {
  step: string;
  what: string;
  why: string;
}

const SECRETS_ENV =
  '{% for name, value in runbook_secrets.items() %}{{ name }}={{ value | quote }}\n{% endfor %}';
/** Reads the secrets from stdin: they travel inside the module's arguments, never on a command line. */
const WITH_SECRETS =
  'set -a; . /dev/stdin; set +a; exec bash -euo pipefail -c "$1" runbook-step </dev/null';
/** After the script, touch the done marker ($2); the task's `creates` skips it next time. */
const AND_MARK = ' && mkdir -p -- "${2%/*}" && touch -- "$2"';

/** Names files in one role's files/ and templates/ folders, one per step action. */
export class RoleFiles {
  readonly files: RoleFile[] = [];
  private readonly taken = new Set<string>();

  add(folder: 'files' | 'templates', wanted: string, content: string): string {
    let name = wanted;
    for (let i = 2; this.taken.has(`${folder}/${name}`); i++)
      name = wanted.replace(/(\.[^./]+)?$/, `-${i}$1`);
    this.taken.add(`${folder}/${name}`);
    this.files.push({ path: `${folder}/${name}`, content });
    return name;
  }
}

const lookupFile = (name: string) => `{{ lookup('ansible.builtin.file', '${name}') }}`;

interface Ctx {
  step: PlannedStep;
  plan: Plan;
  files: RoleFiles;
  commands: CommandUse[];
  secrets: boolean;
}

/** A command running a script as the installer does, secrets through stdin when it uses any. */
function commandTask(name: string, script: string, ctx: Ctx, done?: string, inline = false): Task {
  const text = inline
    ? unsafe(script)
    : lookupFile(
        ctx.files.add(
          'files',
          `${ctx.step.id}.sh`,
          `# ${ctx.step.title} (step ${ctx.step.id}): run as root by bash -euo pipefail, from /,\n# with the site's values in the environment.\n${script}`,
        ),
      );
  let argv: string[];
  if (done) {
    const run = ctx.secrets
      ? WITH_SECRETS.replace('exec ', '')
      : 'bash -euo pipefail -c "$1" runbook-step </dev/null';
    argv = ['bash', '-c', `${run}${AND_MARK}`, 'runbook-step', text, done];
  } else {
    argv = ctx.secrets
      ? ['bash', '-c', WITH_SECRETS, 'runbook-env', text]
      : ['bash', '-euo', 'pipefail', '-c', text];
  }
  return {
    name: taskName(name, inline ? script : ''),
    'ansible.builtin.command': {
      argv,
      chdir: '/',
      ...(done ? { creates: done } : {}),
      ...(ctx.secrets ? { stdin: SECRETS_ENV, stdin_add_newline: false } : {}),
    },
    ...(ctx.secrets ? { no_log: true } : {}),
  };
}

/** A value of a module argument: runbook text with the run's values filled in. */
function argValue(value: unknown, plan: Plan): unknown {
  if (typeof value === 'string') return jinjaValue(value, hostVars(plan));
  if (Array.isArray(value)) return value.map((v) => argValue(v, plan));
  return value;
}

function moduleTask(name: string, part: Extract<ScriptPart, { kind: 'module' }>, plan: Plan): Task {
  const args = Object.fromEntries(
    Object.entries(part.args).map(([k, v]) => [k, argValue(v, plan)]),
  );
  // ansible.builtin.file takes one path: a line naming several folders becomes a loop.
  if (part.module === 'ansible.builtin.file' && Array.isArray(args.path) && args.path.length > 1) {
    const paths = args.path;
    return {
      __comment: ` sh: ${part.line}`,
      name,
      [part.module]: { ...args, path: '{{ item }}' },
      loop: paths,
    };
  }
  if (part.module === 'ansible.builtin.file' && Array.isArray(args.path)) args.path = args.path[0];
  return { __comment: ` sh: ${part.line}`, name, [part.module]: args };
}

function fileTask(name: string, action: FileAction, ctx: Ctx): Task {
  const [owner, groupName] = (action.owner ?? '').split(':');
  const vars = hostVars(ctx.plan);
  const wanted = `${ctx.step.id}/${action.path
    .split('/')
    .pop()!
    .replace(/\$\{([A-Z0-9_]+)\}/g, '$1')}`;
  const templated = runtimeRefs(action.content, vars).length > 0;
  const secret = ctx.plan.secrets.some((s) => action.content.includes(`\${${s}}`));
  const src = templated
    ? ctx.files.add('templates', `${wanted}.j2`, templateText(action.content, vars))
    : ctx.files.add('files', wanted, action.content);
  const dest = jinjaValue(action.path, vars);
  return {
    name,
    [templated ? 'ansible.builtin.template' : 'ansible.builtin.copy']: {
      src,
      // Without a mode, a new file gets 0644 and an existing one keeps its own, as the installer does.
      dest: action.mode ? dest : noqa(dest, 'risky-file-permissions'),
      ...(action.mode ? { mode: action.mode } : {}),
      ...(owner ? { owner } : {}),
      ...(groupName ? { group: groupName } : {}),
    },
    ...(secret ? { diff: false } : {}),
  };
}

function withRetries(task: Task, step: PlannedStep): Task {
  const out: Task = { ...task, timeout: step.timeout };
  if (step.retries > 0)
    Object.assign(out, {
      register: 'runbook_attempt',
      retries: step.retries,
      delay: 2,
      until: 'runbook_attempt is succeeded',
    });
  return out;
}

/** The action tasks of a step, each module or command in order. */
function actionTasks(ctx: Ctx): Task[] {
  const { step } = ctx;
  const tasks: Task[] = [];
  const count = step.actions.length;
  step.actions.forEach((action, i) => {
    const label = count > 1 ? `${step.title} (${i + 1} of ${count})` : step.title;
    if (action.kind === 'file') {
      tasks.push(
        withRetries(fileTask(`${label}: ${action.path.split('/').pop()}`, action, ctx), step),
      );
      return;
    }
    if (action.kind !== 'sh') return;
    const parts = ctx.secrets
      ? [{ kind: 'script' as const, script: action.script }]
      : splitScript(action.script);
    for (const part of parts) {
      if (part.kind === 'module') {
        tasks.push(
          withRetries(
            moduleTask(`${label}: ${part.line.split(/\s+/).slice(0, 4).join(' ')}`, part, ctx.plan),
            step,
          ),
        );
        continue;
      }
      ctx.commands.push({ step: step.id, what: 'script', why: scriptWhy(part.script) });
      tasks.push(
        withRetries({ ...commandTask(label, part.script, ctx), changed_when: true }, step),
      );
    }
  });
  return tasks;
}

/** Why a script (or the rest of one) stays a command: its first line no module does exactly. */
export function scriptWhy(script: string): string {
  const first =
    script
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l && !l.startsWith('#')) ?? '';
  return `no module does \`${first.length > 60 ? `${first.slice(0, 57)}...` : first}\` exactly`;
}

/** Every task of a host step (the caller wraps them in the step's block). */
export function hostStepTasks(
  step: PlannedStep,
  plan: Plan,
  files: RoleFiles,
  commands: CommandUse[],
): Task[] {
  const ctx: Ctx = {
    step,
    plan,
    files,
    commands,
    secrets: secretsMentioned(step, plan).length > 0,
  };
  const marker = needsDoneMarker(step);
  const markerPath = `{{ runbook_done_dir }}/{{ inventory_hostname }}.${step.id}.${marker ? stepFingerprint(step, plan) : ''}`;
  const only =
    step.actions.length === 1 && step.actions[0]!.kind === 'sh'
      ? step.actions[0]!.script
      : undefined;
  if (
    marker &&
    only !== undefined &&
    !step.verify &&
    (ctx.secrets || splitScript(only).length === 1)
  ) {
    // One script, no check: one task that records itself done, skipped by `creates` next time.
    commands.push({ step: step.id, what: 'script', why: scriptWhy(only) });
    return [withRetries(commandTask(step.title, only, ctx, markerPath), step)];
  }
  const tasks: Task[] = [];
  let guard: string | undefined;
  if (step.check) {
    commands.push({
      step: step.id,
      what: 'check',
      why: "the step's check: a read-only test, run in check mode too",
    });
    tasks.push({
      ...commandTask(`${step.title}: is it done? (its check)`, step.check, ctx, undefined, true),
      register: 'runbook_check',
      changed_when: 'ansible_check_mode and runbook_check.rc != 0',
      failed_when: false,
      check_mode: false,
    });
    guard = 'runbook_check.rc != 0';
  } else if (marker) {
    tasks.push({
      name: `${step.title}: done in an earlier run?`,
      'ansible.builtin.stat': { path: markerPath, get_checksum: false },
      register: 'runbook_marker',
      changed_when: 'ansible_check_mode and not runbook_marker.stat.exists',
    });
    guard = 'not runbook_marker.stat.exists';
  }
  const actions = actionTasks(ctx);
  if (step.verify) {
    commands.push({
      step: step.id,
      what: 'verify',
      why: "the step's verify: a read-only test after the step",
    });
    actions.push(
      withRetries(
        {
          ...commandTask(`${step.title}: verify`, step.verify, ctx, undefined, true),
          changed_when: false,
        },
        step,
      ),
    );
  }
  if (marker) {
    actions.push(
      {
        name: `${step.title}: record it as done (folder)`,
        'ansible.builtin.file': {
          path: '{{ runbook_done_dir }}',
          state: 'directory',
          mode: '0700',
        },
      },
      {
        name: `${step.title}: record it as done`,
        'ansible.builtin.copy': { dest: markerPath, content: `${step.id}\n`, mode: '0600' },
      },
    );
  }
  return [...tasks, ...(guard ? actions.map((t) => ({ ...t, when: guard })) : actions)];
}
