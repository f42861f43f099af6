// The `runbook` command line (DESIGN.md section 5). Each command's module is imported only
// when it runs, so `runbook --help` stays fast.
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { runCommand } from './run-command.ts';
import { languageFromEnv, t } from '../src/i18n/translate.ts';
import { DEFAULT_SITE_FILE, RUNBOOK_COMMAND } from '../src/runbook-command.ts';
import { exitCodeOf, helpConfiguration, helpPointer, localizeCommanderError, unknownCommandMessage, usageError } from './usage.ts';
import { quietOnClosedPipe } from './output.ts';
import { printableInline } from '../src/printable.ts';

quietOnClosedPipe();

// Messages in the user's language (LANG / LC_ALL); English needs no catalog, so no cost.
if (languageFromEnv() !== 'en') {
  const { initInstallerLanguage } = await import('../src/i18n/installer-catalog.ts');
  initInstallerLanguage();
}

function version(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

const program = new Command(RUNBOOK_COMMAND)
  .description(t('Install Apache CloudStack 4.22 on Debian 12 + KVM by running the runbook, step by step.\nOn a terminal, `runbook` alone opens the installer wizard.'))
  // This checkout's version (npm_package_version would be whichever project npm runs in).
  .version(version(), '-V, --version', t('print the version'))
  .helpOption('-h, --help', t('show this help'))
  .helpCommand(false)
  .enablePositionalOptions()
  // Words and options the program does not know reach its action, which names the mistake
  // (unknown command, with the likely one) instead of commander's "too many arguments".
  .allowExcessArguments()
  .allowUnknownOption()
  .exitOverride()
  .configureHelp(helpConfiguration())
  .configureOutput({
    writeErr: (s) => process.stderr.write(s),
    outputError: (s, write) => write(localizeCommanderError(s)),
  });

const site = () => new Option('--site <file>', t('site file')).default(DEFAULT_SITE_FILE);
const runbook = () => new Option('--runbook <dir>', t('runbook folder (default: the bundled runbook)'));
const json = (what: string) => new Option('--json', what);
const yes = () => new Option('--yes', t('accept host keys on first contact, printing each fingerprint (a changed key is always refused)'));
const connection = (cmd: Command) =>
  cmd
    .option('--endpoint <url>', t('CloudStack API URL (default: from the site file)'))
    .option('--api-key <key>', t('API key (default: RUNBOOK_API_KEY, else the state file)'))
    .option('--secret-key <key>', t('secret key (default: RUNBOOK_SECRET_KEY, else the state file; prefer those: a command line shows in ps)'))
    .option('--ca-file <file>', t('CA certificate to trust for an https endpoint'));

/** A subcommand that points at its own help after a usage error. */
const command = (nameAndArgs: string) => {
  const sub = program.command(nameAndArgs).allowExcessArguments(false).allowUnknownOption(false);
  return sub.showHelpAfterError(helpPointer(sub.name()));
};

command('init')
  .description(t('write a commented site file with the defaults'))
  .addOption(site())
  .option('--all-in-one', t('no separate KVM hosts: the management server is also the KVM host'))
  .option('--force', t('overwrite an existing site file'))
  .action((opts) => runCommand(() => import('./commands/init.ts'), opts));

command('check')
  .description(t('validate the site file and the runbook; changes nothing'))
  .addOption(site())
  .addOption(runbook())
  .action((opts) => runCommand(() => import('./commands/check.ts'), opts));

command('plan')
  .description(t('show what runs where, by chapter and machine'))
  .addOption(site())
  .addOption(runbook())
  .addOption(json(t('print the plan as JSON (secrets as <secret>)')))
  .option('-v, --verbose', t('list every action of every step'))
  .action((opts) => runCommand(() => import('./commands/plan.ts'), opts));

command('preflight')
  .description(t("connect to every machine and run the runbook's preflight checks; changes nothing"))
  .addOption(site())
  .addOption(runbook())
  .addOption(yes())
  .addOption(json(t('one JSON object per check')))
  .action((opts) => runCommand(() => import('./commands/preflight.ts'), opts));

command('install')
  .description(t('run the plan on the machines, resuming from the journal'))
  .addOption(site())
  .addOption(runbook())
  .addOption(yes())
  .addOption(json(t('print one JSON event per line')))
  .option('--from <id>', t('start at this step (earlier steps count as done)'))
  .option('--only <id>', t('run only this step'))
  .option('--dry-run', t('say what would run or be skipped; change nothing'))
  .option('--recheck', t('run the checks of finished steps again and re-run the drifted ones (with --dry-run: only report)'))
  .option('--parallel <n>', t('machines worked on at once (default: all)'))
  .action((opts) => runCommand(() => import('./commands/install.ts'), opts));

command('status')
  .description(t('what the journal says about each step on each machine'))
  .addOption(site())
  .addOption(runbook())
  .addOption(json(t('print the status as JSON')))
  .action((opts) => runCommand(() => import('./commands/status.ts'), opts));

connection(
  command('verify')
    .description(t('check the running cloud: zone enabled, hosts and storage Up, system VMs running'))
    .addOption(site())
    .addOption(json(t('print the checks as JSON'))),
).action((opts) => runCommand(() => import('./commands/verify.ts'), opts));

connection(
  command('api')
    .description(t('one signed CloudStack API call, printed as JSON (e.g. runbook api list zones)'))
    .argument('<command...>', t('API name or cmk words, then key=value parameters'))
    .addOption(site()),
).action((args: string[], opts) => runCommand(() => import('./commands/api.ts'), { ...opts, args }));

command('export')
  .description(t('write the plan as a shell script per role or as an Ansible playbook'))
  .addOption(site())
  .addOption(runbook())
  .requiredOption('--format <format>', t('bash or ansible'))
  .requiredOption('--out <dir>', t('folder to write into (new, empty, or an earlier export)'))
  .option('--vault-password-file <file>', t('ansible: encrypt the secrets with ansible-vault and this password file'))
  .option('--plain-secrets', t('ansible: write the secrets in plain text (mode 0600)'))
  .action((opts) => runCommand(() => import('./commands/export.ts'), opts));

command('import')
  .description(t('convert legacy DocBook or reStructuredText pages into MDX pages (through pandoc)'))
  .argument('<files...>', t('.xml/.docbook (DocBook) or .rst files'))
  .option('--out <dir>', t('folder for the pages'), 'docs/src/content/docs')
  .option('--overwrite', t('replace pages that already exist'))
  .action((files: string[], opts) => runCommand(() => import('./commands/import.ts'), { ...opts, files }));

command('iso')
  .description(t("the installer ISO with this site's answer file baked in, for installs without a keystroke"))
  .addOption(site())
  .option('--out <file>', t('ISO to write (default: <site name>-installer.iso beside the site file)'))
  .option('--machine <name>', t('the machine it installs (default: chosen in its boot menu, unless all-in-one)'))
  .option('--disk <disk>', t('disk to erase, e.g. /dev/disk/by-id/... (default: auto, the only one that fits)'))
  .option('--interface <name>', t('network card carrying the address, by name or MAC (default: auto)'))
  .option('--iso <file>', t('installer ISO to start from (default: appliance/out/cloudstack-runbook-installer.iso)'))
  .option('--usb <dir>', t('write the answer folder into DIR (a USB stick labelled RUNBOOK) instead of an ISO'))
  .action((opts) => runCommand(() => import('./commands/iso.ts'), opts));

command('lab')
  .description(t('local Debian 12 test machines under qemu on this computer'))
  .argument('<action>', t('up, down, status, or add-host (one more KVM host in a running lab)'))
  .option('--hosts <n>', t('KVM hosts besides the management server (up; 0 = all-in-one)'))
  .option('--memory <mb>', t('memory per machine in MiB (up, add-host)'))
  .option('--dir <dir>', t('lab folder (default ./.runbook-lab)'))
  .addOption(json(t('print the status as JSON')))
  .action((action: string, opts) =>
    runCommand(async () => {
      const { labCommand } = await import('./commands/lab.ts');
      return { run: (o: typeof opts) => labCommand(action, o) };
    }, opts),
  );

const commandNames = () => program.commands.map((c) => c.name());

command('help')
  .description(t('show the help of a command (runbook help install)'))
  .argument('[command]', t('the command to explain'))
  .action((name?: string) => {
    if (!name) return program.outputHelp();
    const sub = program.commands.find((c) => c.name() === name);
    if (!sub) usageError(program, unknownCommandMessage(name, commandNames()), 'commander.unknownCommand');
    sub.outputHelp();
  });

// `--site` / `--runbook` before the command are the same as after it, where the command takes
// them; anywhere else they would be silently ignored, so they are refused.
program.hook('preAction', (_program, actionCommand) => {
  if (actionCommand === program) return;
  for (const key of ['site', 'runbook'] as const) {
    if (program.getOptionValueSource(key) !== 'cli') continue;
    const value = program.getOptionValue(key) as string;
    const takes = actionCommand.options.some((o) => o.attributeName() === key);
    if (!takes) {
      usageError(actionCommand, t('--{option} does not apply to `runbook {command}`', { option: key, command: actionCommand.name() }));
    }
    const own = actionCommand.getOptionValueSource(key) === 'cli' ? (actionCommand.getOptionValue(key) as string) : undefined;
    if (own !== undefined && own !== value) {
      usageError(actionCommand, t('--{option} is given twice ({first} and {second}); give it once', { option: key, first: value, second: own }));
    }
    actionCommand.setOptionValueWithSource(key, value, 'cli');
  }
});

program
  .addOption(site())
  .addOption(runbook())
  .action((opts: { site: string; runbook?: string }) => {
    const [word] = program.args;
    if (word?.startsWith('-')) usageError(program, t('unknown option {option}', { option: printableInline(word) }), 'commander.unknownOption');
    if (word !== undefined) usageError(program, unknownCommandMessage(word, commandNames()), 'commander.unknownCommand');
    if (!process.stdin.isTTY || !process.stdout.isTTY) {
      program.outputHelp();
      return;
    }
    return runCommand(async () => {
      const { runWizard } = await import('./wizard/index.ts');
      return { run: runWizard };
    }, opts);
  });
program.showHelpAfterError(helpPointer());

// A key typed on the command line would show in `ps` for as long as we run: overwrite it.
if (process.argv.some((a) => a.startsWith('--secret-key') || a.startsWith('--api-key'))) {
  process.title = 'runbook';
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (!(error instanceof CommanderError)) throw error;
  process.exitCode = exitCodeOf(error);
}
