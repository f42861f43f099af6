// The `runbook` command line (DESIGN.md section 5). Each command's module is imported only
// when it runs, so `runbook --help` stays fast.
import { Command, Option } from 'commander';
import { runCommand } from './run-command.ts';
import { languageFromEnv } from '../src/i18n/translate.ts';

// Messages in the user's language (LANG / LC_ALL); English needs no catalog, so no cost.
if (languageFromEnv() !== 'en') {
  const { initInstallerLanguage } = await import('../src/i18n/installer-catalog.ts');
  initInstallerLanguage();
}

const program = new Command('runbook')
  .description('Install Apache CloudStack 4.22 on Debian 12 + KVM by running the runbook, step by step.\nOn a terminal, `runbook` alone opens the installer wizard.')
  .version(process.env.npm_package_version ?? '0.1.0', '-V, --version')
  .enablePositionalOptions()
  .showHelpAfterError('(run `runbook --help` for usage)')
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

const site = () => new Option('--site <file>', 'site file').default('site.yaml');
const runbook = () => new Option('--runbook <dir>', 'runbook folder (default: the bundled runbook)');
const json = (what: string) => new Option('--json', what);
const connection = (cmd: Command) =>
  cmd
    .option('--endpoint <url>', 'CloudStack API URL (default: from the site file)')
    .option('--api-key <key>', 'API key (default: RUNBOOK_API_KEY, else the state file)')
    .option('--secret-key <key>', 'secret key (default: RUNBOOK_SECRET_KEY, else the state file; prefer those: a command line shows in ps)')
    .option('--ca-file <file>', 'CA certificate to trust for an https endpoint');

program
  .command('init')
  .description('write a commented site file with the defaults')
  .addOption(site())
  .option('--all-in-one', 'no separate KVM hosts: the management server is also the KVM host')
  .option('--force', 'overwrite an existing site file')
  .action((opts) => runCommand(() => import('./commands/init.ts'), opts));

program
  .command('check')
  .description('validate the site file and the runbook; changes nothing')
  .addOption(site())
  .addOption(runbook())
  .action((opts) => runCommand(() => import('./commands/check.ts'), opts));

program
  .command('plan')
  .description('show what runs where, by chapter and machine')
  .addOption(site())
  .addOption(runbook())
  .addOption(json('print the plan as JSON (secrets as <secret>)'))
  .option('-v, --verbose', 'list every action of every step')
  .action((opts) => runCommand(() => import('./commands/plan.ts'), opts));

program
  .command('preflight')
  .description("connect to every machine and run the runbook's preflight checks; changes nothing")
  .addOption(site())
  .addOption(runbook())
  .option('--yes', 'accept host keys on first contact (a changed key is always refused)')
  .addOption(json('one JSON object per check'))
  .action((opts) => runCommand(() => import('./commands/preflight.ts'), opts));

program
  .command('install')
  .description('run the plan on the machines, resuming from the journal')
  .addOption(site())
  .addOption(runbook())
  .option('--yes', 'accept host keys on first contact (a changed key is always refused)')
  .addOption(json('print one JSON event per line'))
  .option('--from <id>', 'start at this step (earlier steps count as done)')
  .option('--only <id>', 'run only this step')
  .option('--dry-run', 'say what would run or be skipped; change nothing')
  .option('--recheck', 'run the checks of finished steps again and re-run the drifted ones (with --dry-run: only report)')
  .option('--parallel <n>', 'machines worked on at once (default: all)')
  .action((opts) => runCommand(() => import('./commands/install.ts'), opts));

program
  .command('status')
  .description('what the journal says about each step on each machine')
  .addOption(site())
  .addOption(runbook())
  .addOption(json('print the status as JSON'))
  .action((opts) => runCommand(() => import('./commands/status.ts'), opts));

connection(
  program
    .command('verify')
    .description('check the running cloud: zone enabled, hosts and storage Up, system VMs running')
    .addOption(site())
    .addOption(json('print the checks as JSON')),
).action((opts) => runCommand(() => import('./commands/verify.ts'), opts));

connection(
  program
    .command('api')
    .description('one signed CloudStack API call, printed as JSON (e.g. runbook api list zones)')
    .argument('<command...>', 'API name or cmk words, then key=value parameters')
    .addOption(site()),
).action((args: string[], opts) => runCommand(() => import('./commands/api.ts'), { ...opts, args }));

program
  .command('export')
  .description('write the plan as a shell script per role or as an Ansible playbook')
  .addOption(site())
  .addOption(runbook())
  .requiredOption('--format <format>', 'bash or ansible')
  .requiredOption('--out <dir>', 'folder to write into (new, empty, or an earlier export)')
  .option('--vault-password-file <file>', 'ansible: encrypt the secrets with ansible-vault and this password file')
  .option('--plain-secrets', 'ansible: write the secrets in plain text (mode 0600)')
  .action((opts) => runCommand(() => import('./commands/export.ts'), opts));

program
  .command('import')
  .description('convert legacy DocBook or reStructuredText pages into MDX pages (through pandoc)')
  .argument('<files...>', '.xml/.docbook (DocBook) or .rst files')
  .option('--out <dir>', 'folder for the pages', 'docs/src/content/docs')
  .option('--overwrite', 'replace pages that already exist')
  .action((files: string[], opts) => runCommand(() => import('./commands/import.ts'), { ...opts, files }));

program
  .command('lab')
  .description('local Debian 12 test machines under qemu on this computer')
  .argument('<action>', 'up, down, status, or add-host (one more KVM host in a running lab)')
  .option('--hosts <n>', 'KVM hosts besides the management server (up; 0 = all-in-one)')
  .option('--memory <mb>', 'memory per machine in MiB (up, add-host)')
  .option('--dir <dir>', 'lab folder (default ./.runbook-lab)')
  .addOption(json('print the status as JSON'))
  .action((action: string, opts) =>
    runCommand(async () => {
      const { labCommand } = await import('./commands/lab.ts');
      return { run: (o: typeof opts) => labCommand(action, o) };
    }, opts),
  );

program
  .command('iso')
  .description('the installer ISO with this site\'s answer file baked in, for installs without a keystroke')
  .addOption(site())
  .option('--out <file>', 'ISO to write (default: <site name>-installer.iso beside the site file)')
  .option('--machine <name>', 'the machine it installs (default: chosen in its boot menu, unless all-in-one)')
  .option('--disk <disk>', 'disk to erase, e.g. /dev/disk/by-id/... (default: auto, the only one that fits)')
  .option('--interface <name>', 'network card carrying the address, by name or MAC (default: auto)')
  .option('--iso <file>', 'installer ISO to start from (default: appliance/out/cloudstack-runbook-installer.iso)')
  .option('--usb <dir>', 'write the answer folder into DIR (a USB stick labelled RUNBOOK) instead of an ISO')
  .action((opts) => runCommand(() => import('./commands/iso.ts'), opts));

program
  .addOption(site())
  .addOption(runbook())
  .action((opts: { site: string; runbook?: string }) => {
    if (!process.stdin.isTTY || !process.stdout.isTTY) {
      program.outputHelp();
      return;
    }
    return runCommand(async () => {
      const { runWizard } = await import('./wizard/index.ts');
      return { run: runWizard };
    }, opts);
  });

// A key typed on the command line would show in `ps` for as long as we run: overwrite it.
if (process.argv.some((a) => a.startsWith('--secret-key') || a.startsWith('--api-key'))) {
  process.title = 'runbook';
}

await program.parseAsync(process.argv);
