import { existsSync, writeFileSync } from 'node:fs';
import { InputError } from '../../src/diagnostics.ts';
import { siteTemplate } from '../../src/site-file/template.ts';

export function run(options: { site: string; allInOne?: boolean; force?: boolean }): number {
  if (existsSync(options.site) && !options.force) {
    throw new InputError([{ file: options.site, line: 0, message: 'already exists; nothing was written', fix: 'edit it, pass --force to overwrite it, or name another file with --site' }]);
  }
  writeFileSync(options.site, siteTemplate({ allInOne: Boolean(options.allInOne) }), { mode: 0o644 });
  process.stdout.write(`Wrote ${options.site}${options.allInOne ? ' (all-in-one)' : ''}. Edit the addresses, then run: runbook check --site ${options.site}\n`);
  return 0;
}
