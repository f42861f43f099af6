// The cached base image: built (or found) by appliance/lab/build-base-image.mjs.
import { execa } from 'execa';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const buildScript = path.join(repoRoot, 'appliance', 'lab', 'build-base-image.mjs');

export interface BaseImage {
  dir: string;
  disk: string;
  kernel: string;
  initrd: string;
  /** Found in the cache rather than built now. */
  cached: boolean;
  seconds: number;
}

/** Build the base image unless the cache holds one for the current package list; log to `logFile`. */
export async function ensureBaseImage(cacheDir: string, logFile: string): Promise<BaseImage> {
  const zx = path.join(repoRoot, 'node_modules', '.bin', 'zx');
  if (!existsSync(zx))
    throw new Error(`zx is missing (${zx}); run scripts/setup.sh or npm install first`);
  mkdirSync(path.dirname(logFile), { recursive: true });
  const log = createWriteStream(logFile, { flags: 'a' });
  log.on('error', () => {}); // a lost log line must not take the lab down
  // Two labs started at once (test:lab runs its layouts side by side) must not both build: the
  // second waits on the lock, then finds the first one's image in the cache.
  mkdirSync(cacheDir, { recursive: true });
  const child = execa(
    'flock',
    [path.join(cacheDir, '.build.lock'), zx, buildScript, '--cache', cacheDir],
    {
      reject: false,
      stdin: 'ignore',
      env: { PATH: process.env.PATH },
    },
  );
  child.stderr?.pipe(log);
  const result = await child;
  log.end();
  const last = String(result.stdout).trim().split('\n').pop() ?? '';
  if (result.exitCode !== 0 || !last.startsWith('{')) {
    throw new Error(
      `building the lab's base image failed (exit ${result.exitCode}); see ${logFile}`,
    );
  }
  const built = JSON.parse(last) as { dir: string; cached: boolean; seconds: number };
  return {
    ...built,
    disk: path.join(built.dir, 'base.qcow2'),
    kernel: path.join(built.dir, 'vmlinuz'),
    initrd: path.join(built.dir, 'initrd.img'),
  };
}
