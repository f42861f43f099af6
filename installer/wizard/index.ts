// `runbook` with no command on a terminal: the wizard. Without a terminal it prints the plain
// summary instead. Ink and React are imported only here, after NO_COLOR is honoured.
import { languageFromEnv } from '../../src/i18n/translate.ts';
import type { WizardServices } from './services.ts';

export interface WizardOptions {
  site: string;
  runbook?: string;
  /** Replace engine services (tests). */
  services?: WizardServices;
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
}

export async function runWizard(options: WizardOptions): Promise<number> {
  const stdin = options.stdin ?? process.stdin;
  const stdout = options.stdout ?? process.stdout;
  // chalk (under ink) ignores NO_COLOR; FORCE_COLOR=0 is what it reads, and only at import.
  if (process.env.NO_COLOR) process.env.FORCE_COLOR = '0';
  const { realServices } = await import('./real-services.ts');
  const services = options.services ?? realServices();

  if (!stdin.isTTY || !stdout.isTTY) {
    const { plainSummary } = await import('./plain.ts');
    return plainSummary(options, services, (text) => void stdout.write(text));
  }

  const language = languageFromEnv();
  const offered = await services.languages();
  const startLanguage = offered.some((l) => l.code === language) ? language : 'en';
  if (startLanguage !== 'en') await services.setLanguage(startLanguage);

  const [React, { render }, { App }] = await Promise.all([import('react'), import('ink'), import('./app.ts')]);
  let code = 0;
  const instance = render(
    React.createElement(App, {
      siteFile: options.site,
      ...(options.runbook ? { runbookDir: options.runbook } : {}),
      services,
      language: startLanguage,
      onExit: (c: number) => {
        code = c;
      },
    }),
    { stdin, stdout, exitOnCtrlC: false },
  );
  await instance.waitUntilExit();
  return code;
}
