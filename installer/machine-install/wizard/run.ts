// Starts the interactive machine installer on the console it was given (main.ts), in the
// language the kernel command line names, if any. Ink and React load only here.
import type { Shell, Sources } from '../engine.ts';
import { answerOnIso, type AnswerPlace } from '../media.ts';
import type { MachineFacts } from '../probe.ts';

export interface MachineWizardOptions {
  facts: MachineFacts;
  shell: Shell;
  sources: Sources;
  stick?: AnswerPlace | undefined;
  installedFrom: string;
}

export async function runMachineWizard(options: MachineWizardOptions): Promise<number> {
  if (process.env.NO_COLOR) process.env.FORCE_COLOR = '0';
  const [
    React,
    { render },
    { MachineApp },
    { availableLanguages, loadLanguage },
    { WholeKeysStdin },
    { sizeSizelessTerminal },
  ] = await Promise.all([
    import('react'),
    import('ink'),
    import('./app.ts'),
    import('../../wizard/languages.ts'),
    import('../../wizard/whole-keys-stdin.ts'),
    import('../../wizard/sizeless-terminal.ts'),
  ]);
  // ttyS0 reports no size: without one every row is laid out at width 0.
  sizeSizelessTerminal(process.stdout);
  // A serial console splits keys (Up as ESC, then "[A"): Ink gets them whole.
  const keys = new WholeKeysStdin(process.stdin);
  const languages = await availableLanguages();
  const lang = options.facts.options.lang;
  let restart = false;
  const instance = render(
    React.createElement(MachineApp, {
      facts: options.facts,
      shell: options.shell,
      sources: options.sources,
      places: [answerOnIso(), options.stick],
      stick: options.stick,
      installedFrom: options.installedFrom,
      languages,
      setLanguage: loadLanguage,
      ...(lang && languages.some((l) => l.code === lang) ? { language: lang } : {}),
      restart: () => (restart = true),
    }),
    { exitOnCtrlC: false, stdin: keys as unknown as NodeJS.ReadStream },
  );
  await instance.waitUntilExit();
  keys.release();
  if (restart) await options.shell.run('systemctl', ['reboot']);
  return 0;
}
