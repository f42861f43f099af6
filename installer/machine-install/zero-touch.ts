// The install with no keystroke: an answer folder found at boot, checked in full before any
// disk is touched (the same messages as `runbook check`), then the install with its stages on
// every console, then a reboot into the installed system.
import { realpathSync } from 'node:fs';
import { InputError, formatProblem } from '../../src/diagnostics.ts';
import { t } from '../../src/i18n/translate.ts';
import { loadAnswer } from './answer-file.ts';
import type { Reporter } from './consoles.ts';
import { describeDisk } from './disks.ts';
import { STAGES, installMachine, type Shell, type Sources } from './engine.ts';
import type { AnswerPlace } from './media.ts';
import { prepareFromAnswer } from './prepare.ts';
import type { MachineFacts } from './probe.ts';

export const READY_MARK = 'RUNBOOK-INSTALL-DONE';
export const STOPPED_MARK = 'RUNBOOK-INSTALL-STOPPED';

const resolveDisk = (wanted: string) => {
  try {
    return realpathSync(wanted);
  } catch {
    return wanted;
  }
};

/** Returns true when the machine is installed; false when the answers stopped it (nothing touched). */
export async function zeroTouch(
  place: AnswerPlace,
  facts: MachineFacts,
  sources: Sources,
  shell: Shell,
  out: Reporter,
  installedFrom: string,
): Promise<boolean> {
  out.say(
    t(
      'CloudStack Runbook: installing this machine from the answer file in {where} (no questions).',
      { where: place.where },
    ),
  );
  let input;
  try {
    const answer = loadAnswer(place.dir, facts.options.machine);
    input = prepareFromAnswer(answer, facts, resolveDisk, installedFrom);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    for (const p of error.problems) out.say(formatProblem(p));
    out.say(
      t('{count} problem(s) in the answers; no disk was touched.', {
        count: error.problems.length,
      }),
    );
    out.say(STOPPED_MARK);
    return false;
  }
  out.say(
    t('Machine: {name} ({role}, {address})', {
      name: input.machine.hostname,
      role: input.machine.role,
      address: input.machine.address,
    }),
  );
  out.say(t('Disk: {disk}: everything on it is erased now.', { disk: describeDisk(input.disk) }));
  const started = Date.now();
  let lastPercent = -10;
  await installMachine(input, sources, shell, (event) => {
    if (event.type === 'log') out.log(event.line);
    else if (event.type === 'stage' && event.state === 'running') {
      const index = STAGES.findIndex((s) => s.id === event.id);
      out.say(`[${index + 1}/${STAGES.length}] ${STAGES[index]!.title()}`);
      lastPercent = -10;
    } else if (event.type === 'stage' && event.state === 'failed')
      out.say(t('FAILED: {stage}', { stage: event.id }));
    else if (event.type === 'progress' && event.percent >= lastPercent + 10) {
      lastPercent = event.percent;
      out.say(`      ${event.percent}%`);
    }
  });
  out.say(`${READY_MARK} ${input.machine.hostname} ${Math.round((Date.now() - started) / 1000)}s`);
  return true;
}
