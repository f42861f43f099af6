// `runbook import`: legacy DocBook or reStructuredText documents → MDX pages for the docs site,
// through pandoc (legacy-to-mdx.lua does the MDX-specific work). Headings, code blocks (kept as
// `norun` samples: an imported page runs nothing until someone writes steps), admonitions (as
// Starlight asides) and tables (as pipe tables) survive.
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify as toYaml } from 'yaml';
import { InputError, type Problem } from '../diagnostics.ts';
import { pandoc } from '../docs-build/pandoc.ts';

const FILTER = fileURLToPath(new URL('./legacy-to-mdx.lua', import.meta.url));

const FORMATS: Record<string, 'docbook' | 'rst'> = {
  '.xml': 'docbook',
  '.docbook': 'docbook',
  '.dbk': 'docbook',
  '.rst': 'rst',
  '.rest': 'rst',
};

export interface ImportedPage {
  input: string;
  /** Path of the written .mdx page. */
  output: string;
  title: string;
  /** pandoc's warnings for this input (unknown elements …), if any. */
  warnings: string[];
}

export interface ImportOptions {
  /** sidebar.order of the first page; the next pages follow in input order. Default 1000 (after the runbook). */
  firstOrder?: number;
  /** Overwrite pages that already exist in outDir (default: refuse). */
  overwrite?: boolean;
}

/** Every problem with the inputs at once, before anything is converted. */
function checkInputs(inputs: string[], outDir: string, overwrite: boolean): Problem[] {
  const problems: Problem[] = [];
  if (inputs.length === 0)
    problems.push({
      file: '(none)',
      line: 0,
      message: 'no documents to import',
      fix: 'name one or more .xml (DocBook) or .rst files',
    });
  const seen = new Map<string, string>();
  for (const input of inputs) {
    if (!existsSync(input) || !statSync(input).isFile()) {
      problems.push({
        file: input,
        line: 0,
        message: 'the file does not exist',
        fix: 'check the path',
      });
      continue;
    }
    if (!FORMATS[extname(input).toLowerCase()]) {
      problems.push({
        file: input,
        line: 0,
        message: `"${extname(input) || 'no extension'}" is neither DocBook nor reStructuredText`,
        fix: 'import .xml/.docbook/.dbk (DocBook) or .rst/.rest files',
      });
      continue;
    }
    const page = pageFileName(input);
    const other = seen.get(page);
    if (other)
      problems.push({
        file: input,
        line: 0,
        message: `would write the same page ${page} as ${other}`,
        fix: 'rename one of the inputs',
      });
    seen.set(page, input);
    if (!overwrite && existsSync(join(outDir, page))) {
      problems.push({
        file: input,
        line: 0,
        message: `${join(outDir, page)} already exists`,
        fix: 'remove it, import into another folder, or pass overwrite',
      });
    }
  }
  return problems;
}

/** `Install_Guide.xml` → `install-guide.mdx`. */
export function pageFileName(input: string): string {
  const stem = basename(input, extname(input))
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `${stem || 'imported'}.mdx`;
}

interface PandocJson {
  meta: Record<string, { t: string; c?: unknown }>;
}

function metaText(value: { t: string; c?: unknown } | undefined): string {
  if (!value) return '';
  if (value.t === 'MetaString') return String(value.c ?? '');
  return '';
}

export async function importLegacyDocs(
  inputs: string[],
  outDir: string,
  options: ImportOptions = {},
): Promise<ImportedPage[]> {
  const target = resolve(outDir);
  const problems = checkInputs(inputs, target, options.overwrite ?? false);
  if (problems.length > 0) throw new InputError(problems);
  mkdirSync(target, { recursive: true });
  const pages: ImportedPage[] = [];
  let order = options.firstOrder ?? 1000;
  for (const input of inputs) {
    const format = FORMATS[extname(input).toLowerCase()]!;
    // Two passes: the filtered document as JSON (to read the title it found), then JSON → Markdown.
    const ast = await pandoc(resolve(input), [
      '--from',
      format,
      '--to',
      'json',
      '--lua-filter',
      FILTER,
    ]);
    if (!ast.output)
      throw new InputError([
        {
          file: input,
          line: 0,
          message: `pandoc could not read it as ${format}: ${ast.messages || 'no output'}`,
          fix: 'check that the file is well-formed',
        },
      ]);
    const doc = JSON.parse(ast.output) as PandocJson;
    const markdown = await pandoc(ast.output, ['--from', 'json', '--to', 'gfm', '--wrap=none']);
    const title = metaText(doc.meta['import-title']) || basename(input, extname(input));
    const description = metaText(doc.meta['import-description']);
    const frontmatter = toYaml({
      title,
      ...(description ? { description } : {}),
      sidebar: { order: order++ },
    }).trimEnd();
    const output = join(target, pageFileName(input));
    const note = `{/* Imported from ${basename(input)} (${format === 'docbook' ? 'DocBook' : 'reStructuredText'}) by runbook import. Code blocks are samples (norun) until written as steps. */}`;
    writeFileSync(output, `---\n${frontmatter}\n---\n\n${note}\n\n${tidy(markdown.output)}\n`);
    pages.push({
      input,
      output,
      title,
      warnings: [ast.messages, markdown.messages].filter(Boolean),
    });
  }
  return pages;
}

/** At most one blank line between blocks (the filter pads its raw blocks). */
function tidy(markdown: string): string {
  return markdown.replace(/\n{3,}/g, '\n\n').trim();
}
