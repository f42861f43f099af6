// From answers and the machine's facts to an install, or to every problem that stops it, all
// found before any disk is touched: the answer file and the site file (the same messages as
// `runbook check`), the machine, the disk (never the installer's own, never too small), the
// network card, a volume group of the same name elsewhere on the machine.
import { readFileSync } from 'node:fs';
import { InputError, type Problem } from '../../src/diagnostics.ts';
import type { LoadedAnswer } from './answer-file.ts';
import { chooseAnswerDisk, judgeDisks, type Disk } from './disks.ts';
import type { InstallInput } from './engine.ts';
import { planLayout, VOLUME_GROUP } from './layout.ts';
import { siteMachines, type SiteMachine } from './machines.ts';
import { chooseNic, type Nic } from './nics.ts';
import type { MachineFacts } from './probe.ts';

/** A volume group named like ours on another disk would collide with the new one. */
export function volumeGroupConflict(facts: MachineFacts, disk: Disk): string | undefined {
  const other = facts.volumeGroups.find(
    (g) => g.name === VOLUME_GROUP && !g.pv.startsWith(disk.path),
  );
  return other ? other.pv : undefined;
}

export function conflictProblem(file: string, pv: string): Problem {
  return {
    file,
    line: 0,
    field: 'disk',
    message: `another disk already holds a volume group ${VOLUME_GROUP} (on ${pv}), which the new system's would collide with`,
    fix: `install onto that disk instead, or remove its volume group first (vgremove ${VOLUME_GROUP} in a shell of the live system, Alt+F2)`,
  };
}

export interface Choices {
  machine: SiteMachine;
  disk: Disk;
  nic: Nic;
  authorizedKeys: string[];
  /** The site file's text (from the answer folder, or as the interactive installer wrote it). */
  siteText: string;
}

export function installInput(
  answer: Pick<LoadedAnswer, 'site' | 'hostKey' | 'managementKey' | 'knownHosts'>,
  choices: Choices,
  facts: MachineFacts,
  installedFrom: string,
): InstallInput {
  const site = answer.site.site;
  const management = siteMachines(site)[0]!;
  return {
    disk: choices.disk,
    layout: planLayout(choices.disk.bytes, choices.machine.role, site.storage.primary),
    machine: choices.machine,
    management,
    site,
    siteText: choices.siteText,
    authorizedKeys: choices.authorizedKeys,
    ...(answer.hostKey && choices.machine.hostname ? { hostKey: answer.hostKey } : {}),
    ...(answer.managementKey ? { managementKey: answer.managementKey } : {}),
    ...(answer.knownHosts ? { knownHosts: answer.knownHosts } : {}),
    nic: choices.nic,
    consoleArgs: facts.consoleArgs,
    efi: facts.efi,
    installedFrom,
  };
}

/** The zero-touch install an answer describes on this machine; InputError with every problem. */
export function prepareFromAnswer(
  answer: LoadedAnswer,
  facts: MachineFacts,
  resolveDisk: (wanted: string) => string,
  installedFrom: string,
): InstallInput {
  const problems: Problem[] = [];
  const where = { file: answer.file, line: 0 };
  if (!answer.machine) {
    const names = siteMachines(answer.site.site).map((m) => m.hostname);
    throw new InputError([
      {
        ...where,
        field: 'machine',
        message: `names no machine, and the site has ${names.length}: ${names.join(', ')}`,
        fix: "write machine: <host name> in the answer file, or pick the machine in the ISO's boot menu",
      },
    ]);
  }
  const verdicts = judgeDisks(facts.disks, facts.protectedDisks, answer.machine.role);
  const disk = chooseAnswerDisk(
    answer.answer.disk === 'auto' ? 'auto' : resolveDisk(answer.answer.disk),
    verdicts,
    where,
  );
  if ('problem' in disk) problems.push(disk.problem);
  const nic = chooseNic(facts.nics, answer.answer.interface, where);
  if ('problem' in nic) problems.push(nic.problem);
  if ('disk' in disk) {
    const pv = volumeGroupConflict(facts, disk.disk);
    if (pv) problems.push(conflictProblem(answer.file, pv));
  }
  if (problems.length > 0 || !('disk' in disk) || !('nic' in nic)) throw new InputError(problems);
  return installInput(
    answer,
    {
      machine: answer.machine,
      disk: disk.disk,
      nic: nic.nic,
      authorizedKeys: answer.authorizedKeys,
      siteText: readFileSync(answer.site.file, 'utf8'),
    },
    facts,
    installedFrom,
  );
}
