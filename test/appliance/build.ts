// Runs an appliance build script the way `npm run appliance:*` does; stages are cached, so an
// unchanged tree finds its images at once and only a changed input rebuilds.
import { execa } from 'execa';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../appliance/lib/paths.ts';

export const ARTIFACTS = path.join(repoRoot, 'test', '.artifacts', 'appliance');

export async function runBuild(
  script: 'build-ova.ts' | 'build-iso.ts',
  args: string[] = [],
): Promise<{ seconds: number; log: string }> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const log = path.join(ARTIFACTS, `${script.replace('.ts', '')}.log`);
  const out = createWriteStream(log);
  const started = Date.now();
  const child = execa(process.execPath, [path.join(repoRoot, 'appliance', script), ...args], {
    reject: false,
    cwd: repoRoot,
    stdin: 'ignore',
    all: true,
  });
  child.all?.pipe(out);
  const result = await child;
  out.end();
  if (result.exitCode !== 0)
    throw new Error(
      `appliance/${script} failed (exit ${result.exitCode}); see ${log}:\n${String(result.all).split('\n').slice(-15).join('\n')}`,
    );
  return { seconds: (Date.now() - started) / 1000, log };
}
