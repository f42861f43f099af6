// `runbook install` as its own process, for tests that must kill it or read its exit code,
// until installer/cli.ts carries the install command. Options as DESIGN.md section 5 names them.
import { Command } from 'commander';
import { runCommand } from '../../installer/run-command.ts';

const program = new Command('runbook-install')
  .option('--site <file>', 'site file', 'site.yaml')
  .option('--runbook <dir>', 'runbook folder')
  .option('--yes', 'accept host keys on first contact')
  .option('--json', 'one JSON object per line')
  .option('--from <id>', 'start at this step')
  .option('--only <id>', 'run only this step')
  .option('--dry-run', 'show what would run')
  .option('--parallel <n>', 'hosts at once')
  .action((opts) => runCommand(() => import('../../installer/commands/install.ts'), opts));
await program.parseAsync(process.argv);
