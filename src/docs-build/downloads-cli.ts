// `node src/docs-build/downloads-cli.ts [--out DIR] [--runbook DIR]`: writes the PDF and EPUB of the
// runbook (npm run docs:pdf). The lead may wire the same function into `runbook` as a command.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadRunbook, BUNDLED_RUNBOOK } from '../runbook/load.ts';
import { defaultVariables, SITE_VARIABLE_HELP } from '../site-file/variables.ts';
import { buildBook } from './book.ts';

export async function buildDownloads(
  outDir: string,
  runbookDir: string = BUNDLED_RUNBOOK,
): Promise<{ pdf: string; epub: string }> {
  const { runbook, problems } = loadRunbook(runbookDir);
  const errors = problems.filter((p) => (p as { severity?: string }).severity !== 'warning');
  if (runbook.chapters.length === 0)
    throw new Error(
      `no runbook pages in ${runbookDir}: ${errors.map((p) => p.message).join('; ')}`,
    );
  const version = (
    JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    }
  ).version;
  const book = await buildBook({
    runbook,
    outDir,
    baseName: 'cloudstack-runbook',
    title: 'CloudStack Runbook',
    subtitle: `Apache CloudStack 4.22 on Debian 12 with KVM — runbook ${version}`,
    variables: defaultVariables(),
    variableHelp: SITE_VARIABLE_HELP,
  });
  return { pdf: book.pdf, epub: book.epub };
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: 'docs/dist/downloads' },
      runbook: { type: 'string' },
    },
  });
  const started = Date.now();
  buildDownloads(values.out!, values.runbook).then(
    (files) =>
      console.log(
        `downloads: ${files.pdf}, ${files.epub} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
      ),
    (error: Error) => {
      console.error(`downloads: ${error.message}`);
      process.exitCode = 1;
    },
  );
}
