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

  // English needs no catalog: only look for one when the environment asks for another language.
  const language = languageFromEnv();
  const offered = language === 'en' ? [] : await services.languages();
  const startLanguage = offered.some((l) => l.code === language) ? language : 'en';
  if (startLanguage !== 'en') await services.setLanguage(startLanguage);

  if (process.env.RUNBOOK_TIMING) reportFirstFrame(stdout);
  const [React, { render }, { App }, { processCrashReport }] = await Promise.all([
    import('react'),
    import('ink'),
    import('./app.ts'),
    import('./crash.ts'),
  ]);
  // An error no code path caught (a key handler that threw, a promise nobody awaited) goes to
  // the crash screen too, instead of ending the process with a stack trace under the frame.
  const onProcessError = (error: unknown) => {
    if (processCrashReport.current) return processCrashReport.current(error);
    process.stderr.write(`runbook: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  };
  process.on('uncaughtException', onProcessError);
  process.on('unhandledRejection', onProcessError);
  let code = 0;
  const [{ WholeKeysStdin }, { sizeSizelessTerminal }] = await Promise.all([
    import('./whole-keys-stdin.ts'),
    import('./sizeless-terminal.ts'),
  ]);
  sizeSizelessTerminal(stdout);
  const keys = new WholeKeysStdin(stdin);
  const instance = render(
    React.createElement(App, {
      siteFile: options.site,
      ...(options.runbook ? { runbookDir: options.runbook } : {}),
      services,
      language: startLanguage,
      ...(offered.length > 0 ? { languages: offered } : {}),
      onExit: (c: number) => {
        code = c;
      },
    }),
    { stdin: keys as unknown as NodeJS.ReadStream, stdout, exitOnCtrlC: false },
  );
  try {
    await instance.waitUntilExit();
  } finally {
    keys.release();
    process.off('uncaughtException', onProcessError);
    process.off('unhandledRejection', onProcessError);
  }
  return code;
}

/**
 * For test/wizard/first-frame.ts: wall and CPU time from process start to the first write
 * that holds the welcome title (CPU time is what an idle machine would show as wall time).
 */
function reportFirstFrame(stdout: NodeJS.WriteStream): void {
  const write = stdout.write.bind(stdout) as (chunk: unknown, ...rest: unknown[]) => boolean;
  stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (String(chunk).includes('Welcome')) {
      const cpu = process.cpuUsage();
      stdout.write = write as typeof stdout.write;
      process.stderr.write(
        `first-frame wall=${performance.now().toFixed(0)}ms cpu=${((cpu.user + cpu.system) / 1000).toFixed(0)}ms\n`,
      );
    }
    return write(chunk, ...rest);
  }) as typeof stdout.write;
}
