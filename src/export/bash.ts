// `runbook export --format bash`: one script per machine role that a person can read top to
// bottom and run by hand. The site's values are exported shell variables in the header,
// secrets come from a 0600 file (or the terminal), every step is a commented function, file
// contents sit in quoted heredocs so the shell expands nothing in them.
import { readFileSync } from 'node:fs';
import type { MachineRole, Plan, PlannedStep } from '../plan/model.ts';
import { apiStepBody } from './bash-api.ts';
import {
  apiUrl,
  commentLines,
  heredocDelimiter,
  hostFqdn,
  machinesWith,
  needsDoneMarker,
  roleRuns,
  rolesOf,
  runtimeNames,
  secretsMentioned,
  shellQuote,
  stepFingerprint,
  type ExportFile,
} from './shared.ts';
import { VARIABLE_REFERENCE } from '../runbook/variable-refs.ts';

const asset = (name: string) => readFileSync(new URL(`./assets/${name}`, import.meta.url), 'utf8');

export const DOCS_BASE_URL = 'https://cloudstack-runbook.github.io';

/** `step-id` → `step_id`, the suffix of the step's functions. */
const fnName = (id: string) => id.replaceAll('-', '_');

/** The steps a role's script runs: its host steps, plus the api steps on the management side. */
export function scriptSteps(plan: Plan, role: MachineRole): PlannedStep[] {
  return plan.steps.filter((s) => roleRuns(role, s) || (s.on === 'api' && role !== 'kvm'));
}

/** `cmd <<'EOF' || return` followed by the body and its delimiter. */
function heredoc(command: string, body: string, base: string): string[] {
  const text = body.endsWith('\n') ? body : `${body}\n`;
  const delimiter = heredocDelimiter(text, base);
  return [`  ${command} <<'${delimiter}' || return`, ...text.slice(0, -1).split('\n'), delimiter];
}

/** A path in double quotes where only `${NAME}`s of known variables expand. */
function quotedPath(path: string, plan: Plan): string {
  const known = new Set(runtimeNames(path, plan));
  let out = '';
  let last = 0;
  for (const m of path.matchAll(VARIABLE_REFERENCE)) {
    out += path.slice(last, m.index).replace(/[\\"$`]/g, (c) => `\\${c}`);
    out += known.has(m[1]!) ? m[0] : m[0].replace('$', '\\$');
    last = m.index! + m[0].length;
  }
  out += path.slice(last).replace(/[\\"$`]/g, (c) => `\\${c}`);
  return `"${out}"`;
}

function scriptFunction(prefix: string, step: PlannedStep, script: string): string[] {
  return [`${prefix}_${fnName(step.id)}() {`, ...heredoc('run_sh', script, 'RUNBOOK_SH'), '}'];
}

function stepFunctions(step: PlannedStep, plan: Plan, prose: Map<string, string>): string[] {
  const out: string[] = ['', `# ${'-'.repeat(88)}`, `# ${step.id}: ${step.title}`];
  const text = prose.get(step.id)?.trim();
  if (text) out.push('#', ...commentLines(text), '#');
  out.push(
    `# On: ${step.on}. Source: ${step.source.file}:${step.source.line}. Docs: ${DOCS_BASE_URL}${step.url}`,
  );
  if (step.requires.length)
    out.push(
      `# Requires: ${step.requires.join(', ')} (earlier in this script or on another machine).`,
    );
  if (step.needs.includes('cloudstack-repo'))
    out.push('# Needs the CloudStack package repository (cloudstack.repository in the site file).');
  if (step.check) out.push(...scriptFunction('check', step, step.check));
  const body: string[] = [];
  for (const action of step.actions) {
    if (action.kind === 'sh') {
      body.push(...heredoc('run_sh', action.script, 'RUNBOOK_SH'));
    } else if (action.kind === 'file') {
      const names = runtimeNames(action.content, plan);
      const noNewline = !action.content.endsWith('\n') && action.content.length > 0;
      const args = [
        noNewline ? '-n' : '',
        quotedPath(action.path, plan),
        shellQuote(action.mode ?? '') || "''",
        shellQuote(action.owner ?? '') || "''",
        ...names,
      ].filter(Boolean);
      body.push(...heredoc(`write_file ${args.join(' ')}`, action.content, 'RUNBOOK_FILE'));
    }
  }
  if (step.on === 'api') body.push(...apiStepBody(step, plan));
  out.push(`step_${fnName(step.id)}() {`, ...(body.length ? body : ['  :']), '}');
  if (step.verify) out.push(...scriptFunction('verify', step, step.verify));
  return out;
}

function header(plan: Plan, role: MachineRole, steps: PlannedStep[]): string[] {
  const machines = machinesWith(plan, role);
  const secrets = [
    ...new Set(
      steps.flatMap((s) => [
        ...secretsMentioned(s, plan),
        ...(s.on === 'api' ? ['ADMIN_PASSWORD'] : []),
      ]),
    ),
  ];
  const lines = [
    '#!/usr/bin/env bash',
    `# CloudStack Runbook: the steps a ${role} machine runs, for site "${plan.siteName}".`,
    '# Exported by `runbook export --format bash`; the runbook pages are the source, edit those.',
    '# Each step is a function below; run_step runs it unless its check says it is already done.',
    `# Run as root on the ${role} machine: ./${role}.sh [--host NAME]`,
    'set -euo pipefail',
    '',
    '# ---- The site (from the site file) ------------------------------------------------------',
    'export DEBIAN_FRONTEND=noninteractive',
    ...Object.entries(plan.variables).map(([k, v]) => `export ${k}=${shellQuote(v) || "''"}`),
    '',
    '# ---- The machines of this role: name and address -----------------------------------------',
    'RUNBOOK_MACHINES=(',
    ...machines.map((m) => `  ${shellQuote(`${m.name} ${m.address}`)}`),
    ')',
    `RUNBOOK_ROLE=${role}`,
    `RUNBOOK_DOCS_URL=${DOCS_BASE_URL}`,
    asset('bash/host-selection.sh'),
    asset('bash/secrets.sh'),
    asset('bash/helpers.sh'),
  ];
  const fqdns = machines.map((m) => `    ${m.name}) echo ${shellQuote(hostFqdn(plan, m))} ;;`);
  lines.push('host_fqdn() {', '  case $1 in', ...fqdns, '    *) echo "$1" ;;', '  esac', '}');
  lines.push(
    'step_url() {',
    '  case $1 in',
    ...steps.map((s) => `    ${s.id}) echo ${shellQuote(s.url)} ;;`),
    '  esac',
    '}',
    '',
  );
  if (steps.some((s) => s.on === 'api'))
    lines.push(
      `RUNBOOK_API_ENDPOINT=${shellQuote(apiUrl(plan.apiEndpoint))}`,
      asset('bash/api.sh'),
    );
  lines.push('', `RUNBOOK_SECRET_NAMES=(${secrets.join(' ')})`);
  return lines;
}

function main(plan: Plan, role: MachineRole, steps: PlannedStep[]): string[] {
  const out = [
    '',
    '# ---- Run ----------------------------------------------------------------------------------',
    'if [ "$RUNBOOK_LIST" = yes ]; then',
    ...steps.map((s) => `  echo ${shellQuote(`${s.id}: ${s.title}`)}`),
    '  exit 0',
    'fi',
    'read -r HOST_NAME HOST_IP <<<"$(pick_machine)"',
    'HOST_FQDN=$(host_fqdn "$HOST_NAME")',
    'HOST_ROLE=$RUNBOOK_ROLE',
    'export HOST_NAME HOST_IP HOST_FQDN HOST_ROLE',
    'load_secrets "${RUNBOOK_SECRET_NAMES[@]}"',
    'echo "Running the $RUNBOOK_ROLE steps of site $SITE_NAME on $HOST_NAME ($HOST_IP)"',
  ];
  let apiSeen = false;
  for (const step of steps) {
    if (
      step.on === 'api' &&
      !apiSeen &&
      role === 'management' &&
      plan.machines.some((m) => m.role === 'kvm')
    ) {
      apiSeen = true;
      out.push(
        '# The api steps need every KVM host ready: kvm.sh must have run on each of them.',
        'if [ "${RUNBOOK_KVM_READY:-}" != yes ]; then',
        '  read -r -p "Has kvm.sh finished on every KVM host? [y/N] " answer',
        '  case $answer in y|Y|yes) ;; *) echo "Run kvm.sh on the KVM hosts, then this script again." >&2; exit 1 ;; esac',
        'fi',
      );
    }
    const fingerprint = needsDoneMarker(step) ? stepFingerprint(step, plan) : "''";
    out.push(
      `run_step ${step.id} ${shellQuote(step.title)} ${step.retries} ${step.timeout} ${fingerprint}`,
    );
  }
  out.push(
    `echo "All ${steps.length} steps of the $RUNBOOK_ROLE script are done on $HOST_NAME."`,
    '',
  );
  return out;
}

export function bashScript(
  plan: Plan,
  role: MachineRole,
  prose = new Map<string, string>(),
): string {
  const steps = scriptSteps(plan, role);
  const lines = [
    ...header(plan, role, steps),
    ...steps.flatMap((s) => stepFunctions(s, plan, prose)),
    ...main(plan, role, steps),
  ];
  return lines.join('\n');
}

export function secretsEnv(plan: Plan, secrets: Record<string, string>): string {
  return [
    '# Secrets of the CloudStack Runbook scripts. Keep this file mode 0600, or delete it and',
    '# type the values when a script asks. Never commit it.',
    ...plan.secrets.map((name) => `${name}=${shellQuote(secrets[name] ?? '') || "''"}`),
    '',
  ].join('\n');
}

function readme(plan: Plan, roles: MachineRole[]): string {
  const kvm = plan.machines.some((m) => m.role === 'kvm');
  return [
    `# Bash export of the CloudStack Runbook for site "${plan.siteName}"`,
    '',
    'One script per machine role. Each is self-contained: copy it and `secrets.env` (mode 0600)',
    'to the machine and run it there as root. It stops at the first failed step; run it again',
    'after fixing the cause: steps whose check passes, or that are recorded as done in',
    '`/var/lib/runbook-export/done/` (steps without a check), are skipped.',
    '',
    ...roles.map(
      (r) =>
        `- \`${r}.sh\`: ${machinesWith(plan, r)
          .map((m) => m.name)
          .join(', ')}`,
    ),
    '',
    kvm
      ? 'Order: run `management.sh` on the management server; it pauses before the CloudStack API steps until `kvm.sh` has run on every KVM host (set `RUNBOOK_KVM_READY=yes` to skip the question).'
      : 'Run `all-in-one.sh` on the machine.',
    '',
    'The API steps call CloudStack through python3-cs (`python3 -m cs`, installed on the',
    'management server when missing), each create looked up first, so re-runs change nothing.',
    'The API keys come from a login as admin at the first API step of each run and stay in',
    'memory; captured values are kept in `/var/lib/runbook-export/` (mode 0700).',
    '',
  ].join('\n');
}

/** Every file of the bash export. */
export function bashExport(
  plan: Plan,
  secrets: Record<string, string>,
  prose = new Map<string, string>(),
): ExportFile[] {
  const roles = rolesOf(plan);
  return [
    ...roles.map((role) => ({
      path: `${role}.sh`,
      content: bashScript(plan, role, prose),
      mode: 0o755,
    })),
    { path: 'secrets.env', content: secretsEnv(plan, secrets), mode: 0o600 },
    { path: 'README.md', content: readme(plan, roles), mode: 0o644 },
  ];
}
