// The `runbook` command line (DESIGN.md section 5). Each command's module is imported only
// when it runs, so `runbook --help` stays fast.
import { Command, Option } from 'commander';
import { runCommand } from './run-command.ts';

const program = new Command('runbook')
  .description('Install Apache CloudStack 4.22 on Debian 12 + KVM by running the runbook, step by step.')
  .version(process.env.npm_package_version ?? '0.1.0', '-V, --version')
  .showHelpAfterError('(run `runbook --help` for usage)')
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

const site = () => new Option('--site <file>', 'site file').default('site.yaml');
const runbook = () => new Option('--runbook <dir>', 'runbook folder (default: the bundled runbook)');

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
  .option('--json', 'print the plan as JSON (secrets as <secret>)')
  .option('-v, --verbose', 'list every action of every step')
  .action((opts) => runCommand(() => import('./commands/plan.ts'), opts));

program.action(() => {
  // The wizard opens here on a terminal once it exists; otherwise help.
  program.outputHelp();
});

await program.parseAsync(process.argv);
