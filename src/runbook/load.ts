// Reads every page of a runbook folder, in sidebar order, into one Runbook.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import type { Problem } from '../diagnostics.ts';
import type { Runbook } from './model.ts';
import { parsePage } from './parse.ts';

/** Localised copies of the pages are generated into folders named after their locale; skip them. */
export const LOCALE_FOLDERS = new Set(['ja', 'zh-cn', 'fr']);

/** The runbook that ships with the installer. */
export const BUNDLED_RUNBOOK = resolve(new URL('../../docs/src/content/docs', import.meta.url).pathname);

/** Pages of a runbook folder relative to it, in name order, generated locale folders left out. */
export function pagesUnder(dir: string, root = dir): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) {
      if (dir === root && LOCALE_FOLDERS.has(entry)) continue;
      out.push(...pagesUnder(full, root));
    } else if (/\.mdx?$/.test(entry)) {
      out.push(relative(root, full).split(sep).join('/'));
    }
  }
  return out;
}

export function loadRunbook(dir: string = BUNDLED_RUNBOOK): { runbook: Runbook; problems: Problem[] } {
  const absolute = resolve(dir);
  let files: string[];
  try {
    files = pagesUnder(absolute);
  } catch {
    return {
      runbook: { dir: absolute, chapters: [] },
      problems: [{ file: dir, line: 0, message: 'the runbook folder cannot be read', fix: 'name a folder of .mdx pages with --runbook' }],
    };
  }
  const problems: Problem[] = [];
  const chapters = files.map((file) => {
    const parsed = parsePage(readFileSync(join(absolute, file), 'utf8'), file);
    problems.push(...parsed.problems);
    return parsed.chapter;
  });
  if (files.length === 0) {
    problems.push({ file: dir, line: 0, message: 'the runbook folder has no .mdx pages', fix: 'name the folder that holds the runbook pages with --runbook' });
  }
  // Sidebar order, then file name: the order a reader sees is the order steps run in.
  chapters.sort((a, b) => a.order - b.order || a.file.localeCompare(b.file));
  return { runbook: { dir: absolute, chapters }, problems };
}
