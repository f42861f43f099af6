// Checks across the whole runbook that one page alone cannot make: unique ids, requires that
// point somewhere, variables the site defines, cmk calls CloudStack accepts.
import type { Problem } from '../diagnostics.ts';
import { apiReference, paramBase } from '../cloudstack/api-reference.ts';
import { allSteps, type Runbook, type Step } from './model.ts';
import { NEEDS } from './needs.ts';
import { variablesIn } from './variable-refs.ts';

export { variablesIn };



export function validateRunbook(runbook: Runbook, known: Set<string>): Problem[] {
  const problems: Problem[] = [];
  const steps = allSteps(runbook);
  const firstAt = new Map<string, Step>();
  for (const step of steps) {
    if (!step.id) continue;
    const earlier = firstAt.get(step.id);
    if (earlier) {
      problems.push({ file: step.source.file, line: step.source.line, field: step.id, message: `step id "${step.id}" is already used at ${earlier.source.file}:${earlier.source.line}`, fix: 'give every step its own id' });
    } else firstAt.set(step.id, step);
  }

  const available = new Set(known);
  for (const step of steps) {
    const where = (line = step.source.line) => ({ file: step.source.file, line, field: step.id || undefined });
    for (const required of step.requires) {
      if (!firstAt.has(required)) {
        problems.push({ ...where(), message: `requires "${required}", which is no step`, fix: 'name the id of an existing step (ids are on the :::step lines)' });
      } else if (required === step.id) {
        problems.push({ ...where(), message: 'requires itself', fix: 'remove its own id from requires' });
      }
    }
    for (const need of step.needs) {
      if (!(need in NEEDS)) {
        problems.push({ ...where(), message: `needs "${need}", which the installer cannot probe`, fix: `use one of ${Object.keys(NEEDS).join(', ')}` });
      }
    }
    const unknownVars = (text: string | undefined, line: number, what: string) => {
      for (const name of new Set(variablesIn(text ?? ''))) {
        if (!available.has(name)) {
          problems.push({ ...where(line), message: `${what} uses \${${name}}, which the site does not define`, fix: 'use a variable from `runbook plan --json` (variables), capture it in an earlier api step, or write script-local names in lower case' });
        }
      }
    };
    unknownVars(step.check, step.source.line, 'check');
    unknownVars(step.verify, step.source.line, 'verify');
    for (const action of step.actions) {
      if (action.kind === 'sh') unknownVars(action.script, action.source.line, 'the script');
      if (action.kind === 'file') unknownVars(action.content, action.source.line, `the file ${action.path}`);
      if (action.kind === 'api') {
        problems.push(...checkApiCall(action.command, action.params, where(action.source.line)));
        unknownVars(Object.values(action.params).join(' '), action.source.line, `the ${action.command} call`);
      }
    }
    // Captures become variables for every later step.
    for (const name of Object.keys(step.capture)) available.add(name);
  }
  return problems;
}

function checkApiCall(command: string, params: Record<string, string>, where: { file: string; line: number; field?: string }): Problem[] {
  const spec = apiReference().apis[command];
  if (!spec) return [{ ...where, message: `${command} is not a CloudStack API`, fix: 'check the name against the API reference' }];
  const accepted = new Set([...spec.required, ...spec.optional].map((p) => p.toLowerCase()));
  const given = new Set(Object.keys(params).map(paramBase));
  const problems: Problem[] = [];
  for (const key of Object.keys(params)) {
    if (!accepted.has(paramBase(key))) {
      problems.push({ ...where, message: `${command} has no parameter "${key}"`, fix: `use one of ${[...spec.required, ...spec.optional].join(', ')}` });
    }
  }
  for (const required of spec.required) {
    if (!given.has(required.toLowerCase())) {
      problems.push({ ...where, message: `${command} needs the parameter "${required}"`, fix: `add ${required}=...` });
    }
  }
  return problems;
}
