// Which packages the ISO's local APT repository must hold: every package the runbook's steps
// install with apt-get, read from the steps themselves (src/runbook is the only reader of the
// pages' commands), plus the Debian dependencies of CloudStack's own packages (repo-extra.txt).
// Packages of a step that needs an outside repository (CloudStack's, MySQL's) are listed apart:
// they come from that repository, not from Debian.
import { loadRunbook } from '../../src/runbook/load.ts';
import { allSteps } from '../../src/runbook/model.ts';
import type { Runbook } from '../../src/runbook/model.ts';
import { readPackageSections } from '../lib/package-list.ts';

export const REPO_EXTRA = new URL('./repo-extra.txt', import.meta.url).pathname;

export interface AptInstall {
  step: string;
  packages: string[];
  /** Outside repositories the step needs (its `needs`); empty: Debian's packages. */
  needs: string[];
}

/** Every `apt-get install` line of a script, as package lists (options and variables dropped). */
export function aptInstallPackages(script: string): string[][] {
  const joined = script.replace(/\\\n/g, ' ');
  const lists: string[][] = [];
  for (const line of joined.split('\n')) {
    const match = /\bapt(?:-get)?\s+(?:-\S+\s+)*install\s+(.*)$/.exec(line.replace(/#.*$/, ''));
    if (!match) continue;
    const words = match[1]!.split(/[\s;&|]+/).filter(Boolean);
    const names: string[] = [];
    for (const word of words) {
      if (word.startsWith('-')) continue;
      if (!/^[a-z0-9][a-z0-9+.-]+$/.test(word)) break; // a redirection, a variable: the list ended
      names.push(word);
    }
    if (names.length > 0) lists.push(names);
  }
  return lists;
}

export function runbookAptInstalls(runbook: Runbook): AptInstall[] {
  const out: AptInstall[] = [];
  for (const step of allSteps(runbook)) {
    for (const action of step.actions) {
      if (action.kind !== 'sh') continue;
      for (const packages of aptInstallPackages(action.script))
        out.push({ step: step.id, packages, needs: step.needs });
    }
  }
  return out;
}

export interface RepoPackageSets {
  /** Groups resolved one by one against the installed system (each as the runbook installs it). */
  groups: { name: string; packages: string[] }[];
  /** Named by steps that need an outside repository: included only when it is reachable. */
  outside: { need: string; packages: string[] }[];
}

export function repoPackageSets(runbookDir?: string): RepoPackageSets {
  const { runbook, problems } = loadRunbook(runbookDir);
  if (problems.length > 0)
    throw new Error(
      `the runbook has problems; run \`runbook check\` first (${problems[0]!.message})`,
    );
  const groups: RepoPackageSets['groups'] = [];
  const outside = new Map<string, Set<string>>();
  for (const install of runbookAptInstalls(runbook)) {
    if (install.needs.length === 0) {
      groups.push({ name: `step ${install.step}`, packages: install.packages });
      continue;
    }
    for (const need of install.needs) {
      const set = outside.get(need) ?? new Set<string>();
      for (const p of install.packages) set.add(p);
      outside.set(need, set);
    }
  }
  const extra = readPackageSections(REPO_EXTRA, ['management', 'kvm'] as const);
  groups.push(
    { name: "cloudstack-management's Debian dependencies", packages: extra.management },
    { name: "cloudstack-agent's Debian dependencies", packages: extra.kvm },
  );
  return {
    groups,
    outside: [...outside].map(([need, set]) => ({ need, packages: [...set].sort() })),
  };
}
