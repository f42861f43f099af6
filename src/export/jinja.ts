// Runbook text as Jinja for the Ansible export: `${NAME}` references the run fills in become
// variables, everything else stays literal however much it looks like Jinja. Literal text goes
// into string literals inside expressions, never bare into a template, so `{{` in a script or a
// file is written as it is.
import type { Plan } from '../plan/model.ts';
import { HOST_VARIABLES } from '../site-file/variables.ts';
import { VARIABLE_REFERENCE } from '../runbook/variable-refs.ts';
import { capturedNames } from './shared.ts';
import { unsafe } from './yaml-out.ts';

/** The Jinja expression for `${name}`, or undefined when the name is not the run's to fill. */
export type VarSource = (name: string) => string | undefined;

const key = (name: string) => `['${name}']`;

/** Names as a host step sees them: site values, host values and captures from the environment. */
export function hostVars(plan: Plan): VarSource {
  const captured = new Set(capturedNames(plan));
  return (name) => {
    if (plan.secrets.includes(name)) return `runbook_secrets${key(name)}`;
    if (name in plan.variables || name in HOST_VARIABLES || captured.has(name))
      return `runbook_environment${key(name)}`;
    return undefined;
  };
}

/** Names as an api step sees them: site values, secrets and captures (no HOST_* values). */
export function apiVars(plan: Plan): VarSource {
  const captured = new Set(capturedNames(plan));
  return (name) => {
    if (plan.secrets.includes(name)) return `runbook_secrets${key(name)}`;
    if (captured.has(name)) return `runbook_captured${key(name)}`;
    if (name in plan.variables) return `runbook_variables${key(name)}`;
    return undefined;
  };
}

/** A Jinja string literal holding `text` exactly. */
export function jinjaString(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

/** The names of `text` that `vars` fills in. */
export function runtimeRefs(text: string, vars: VarSource): string[] {
  return [...text.matchAll(VARIABLE_REFERENCE)]
    .map((m) => m[1]!)
    .filter((n) => vars(n) !== undefined);
}

/** A Jinja expression whose value is `text` with its references filled in. */
export function jinjaExpr(text: string, vars: VarSource): string {
  const parts: string[] = [];
  let last = 0;
  for (const m of text.matchAll(VARIABLE_REFERENCE)) {
    const expr = vars(m[1]!);
    if (!expr) continue;
    if (m.index! > last) parts.push(jinjaString(text.slice(last, m.index)));
    parts.push(expr);
    last = m.index! + m[0].length;
  }
  if (last < text.length || parts.length === 0) parts.push(jinjaString(text.slice(last)));
  return parts.join(' ~ ');
}

/**
 * A YAML value for a task: the text itself when it holds nothing to fill in (marked `!unsafe`
 * where it could look like Jinja, so Ansible never templates it), else one Jinja expression.
 */
export function jinjaValue(text: string, vars: VarSource): string {
  if (runtimeRefs(text, vars).length) return `{{ ${jinjaExpr(text, vars)} }}`;
  return /[{%#]/.test(text) ? unsafe(text) : text;
}

/** A template file (templates/*.j2): literal text with the Jinja openers escaped, references as variables. */
export function templateText(text: string, vars: VarSource): string {
  const literal = (s: string) => s.replace(/\{[{%#]/g, (opener) => `{{ '${opener}' }}`);
  let out = '';
  let last = 0;
  for (const m of text.matchAll(VARIABLE_REFERENCE)) {
    const expr = vars(m[1]!);
    if (!expr) continue;
    out += literal(text.slice(last, m.index)) + `{{ ${expr} }}`;
    last = m.index! + m[0].length;
  }
  out += literal(text.slice(last));
  // A first line `#jinja2:` would be read as template settings.
  return out.startsWith('#jinja2:') ? `{{ '#' }}${out.slice(1)}` : out;
}
