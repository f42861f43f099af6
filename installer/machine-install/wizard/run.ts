// The interactive machine installer (Ink): placeholder until the screens land.
import type { Sources, Shell } from '../engine.ts';
import type { AnswerPlace } from '../media.ts';
import type { MachineFacts } from '../probe.ts';

export interface MachineWizardOptions {
  facts: MachineFacts;
  shell: Shell;
  sources: Sources;
  stick?: AnswerPlace | undefined;
  installedFrom: string;
}

export async function runMachineWizard(_options: MachineWizardOptions): Promise<number> {
  process.stdout.write('The interactive installer is not ready yet.\n');
  return 1;
}
