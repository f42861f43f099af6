// The installer as the images carry it: /opt/cloudstack-runbook with this project's sources, its
// runtime dependencies and the pinned Node binary (node_modules/node), so the target needs no
// npm and no network to run `runbook`. It lives outside any node_modules path on purpose: Node
// refuses to strip TypeScript types from files under node_modules.
import { execa } from 'execa';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './paths.ts';

export const INSTALL_DIR = '/opt/cloudstack-runbook';
/** Sources the bundle copies (relative to the repository); also a build stage's inputs. */
export const BUNDLE_SOURCES = ['installer', 'src', 'locales', 'package.json', 'package-lock.json'];
const RUNBOOK_PAGES = 'docs/src/content/docs';

export function bundleInputFiles(): string[] {
  return [
    ...BUNDLE_SOURCES.map((p) => path.join(repoRoot, p)),
    path.join(repoRoot, RUNBOOK_PAGES),
  ].filter((p) => existsSync(p));
}

/** node_modules directories of the production dependency tree (npm's own view of it). */
async function productionModules(): Promise<string[]> {
  const npm = path.join(repoRoot, 'node_modules', '.bin', 'npm');
  const command = existsSync(npm) ? npm : 'npm';
  const result = await execa(command, ['ls', '--omit=dev', '--all', '--parseable'], {
    cwd: repoRoot,
    reject: false,
  });
  const dirs = String(result.stdout)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith(path.join(repoRoot, 'node_modules') + path.sep));
  if (dirs.length === 0)
    throw new Error(
      `npm ls found no production dependencies in ${repoRoot}; run npm install first`,
    );
  return dirs.map((dir) => path.relative(repoRoot, dir));
}

/** Write the bundle into `root` + INSTALL_DIR (root is an image's mounted filesystem or a staging dir). */
export async function writeBundle(root: string): Promise<{ files: number }> {
  const target = path.join(root, INSTALL_DIR);
  mkdirSync(target, { recursive: true });
  for (const source of BUNDLE_SOURCES) {
    const from = path.join(repoRoot, source);
    if (existsSync(from)) cpSync(from, path.join(target, source), { recursive: true });
  }
  // The runbook: the English pages only (translated pages are generated at docs build time).
  const pages = path.join(repoRoot, RUNBOOK_PAGES);
  mkdirSync(path.join(target, RUNBOOK_PAGES), { recursive: true });
  for (const page of readdirSync(pages)) {
    if (/\.mdx?$/.test(page))
      cpSync(path.join(pages, page), path.join(target, RUNBOOK_PAGES, page));
  }
  for (const dir of await productionModules())
    cpSync(path.join(repoRoot, dir), path.join(target, dir), {
      recursive: true,
      dereference: false,
    });
  const node = path.join(repoRoot, 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(node))
    throw new Error(`the pinned Node runtime is missing (${node}); run npm install`);
  mkdirSync(path.join(target, 'bin'), { recursive: true });
  cpSync(node, path.join(target, 'bin', 'node'), { dereference: true });
  chmodSync(path.join(target, 'bin', 'node'), 0o755);
  // `runbook` on the PATH, running the bundled Node.
  const wrapper = path.join(root, 'usr', 'local', 'bin', 'runbook');
  mkdirSync(path.dirname(wrapper), { recursive: true });
  writeFileSync(
    wrapper,
    `#!/bin/sh\n# The CloudStack Runbook installer with its bundled Node runtime.\nexec ${INSTALL_DIR}/bin/node ${INSTALL_DIR}/installer/bin/runbook.js "$@"\n`,
  );
  chmodSync(wrapper, 0o755);
  const count = await execa('find', [target, '-type', 'f']);
  return { files: String(count.stdout).split('\n').length };
}
