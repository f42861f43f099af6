// Build stages cached by the hash of their inputs: a stage's output directory is
// appliance/.cache/<name>-<key>/, complete once it holds stage.json. An unchanged input set finds
// the finished directory and skips the work; any changed input (a file, a value, an upstream
// stage) gives a new key and a fresh build. Half-built directories are never reused.
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { cacheDir } from './paths.ts';
import { removeTree } from './remove-tree.ts';

export interface StageInputs {
  /** Files or directories (hashed recursively, by relative path and content). */
  files?: string[];
  /** Anything else that changes the output: versions, sizes, upstream stage keys. */
  values?: Record<string, unknown>;
}

export interface StageResult<T> {
  dir: string;
  key: string;
  cached: boolean;
  seconds: number;
  data: T;
}

function hashPath(hash: ReturnType<typeof createHash>, file: string, base: string): void {
  const stat = statSync(file);
  if (stat.isDirectory()) {
    for (const entry of readdirSync(file).sort()) hashPath(hash, path.join(file, entry), base);
    return;
  }
  hash.update(path.relative(base, file)).update('\0').update(readFileSync(file)).update('\0');
}

export function stageKey(inputs: StageInputs): string {
  const hash = createHash('sha256');
  for (const file of [...(inputs.files ?? [])].sort()) {
    if (!existsSync(file)) throw new Error(`stage input ${file} does not exist`);
    hashPath(hash, file, path.dirname(file));
  }
  hash.update(JSON.stringify(inputs.values ?? {}));
  return hash.digest('hex').slice(0, 16);
}

/**
 * Run `build(workDir)` unless `<name>-<key>` is already complete. `build` writes its outputs into
 * workDir and returns the data to remember (JSON); the directory is renamed into place only
 * when build returns, so an interrupted build leaves nothing that looks finished.
 */
export async function stage<T>(
  name: string,
  inputs: StageInputs,
  build: (workDir: string) => Promise<T>,
  log: (line: string) => void,
): Promise<StageResult<T>> {
  const key = stageKey(inputs);
  const dir = path.join(cacheDir, `${name}-${key}`);
  const record = path.join(dir, 'stage.json');
  if (existsSync(record)) {
    const saved = JSON.parse(readFileSync(record, 'utf8')) as { seconds: number; data: T };
    log(
      `${name}: cached (${path.relative(process.cwd(), dir)}, built in ${Math.round(saved.seconds)} s)`,
    );
    return { dir, key, cached: true, seconds: saved.seconds, data: saved.data };
  }
  mkdirSync(cacheDir, { recursive: true });
  // Earlier builds of this stage (other keys, or interrupted work) only take disk space.
  for (const entry of readdirSync(cacheDir)) {
    const stale =
      (entry.startsWith(`${name}-`) && entry !== `${name}-${key}`) ||
      entry.startsWith(`.work-${name}-`);
    if (stale) removeTree(path.join(cacheDir, entry));
  }
  const work = path.join(cacheDir, `.work-${name}-${key}`);
  removeTree(work);
  mkdirSync(work, { recursive: true });
  log(`${name}: building (key ${key})`);
  const started = Date.now();
  const data = await build(work);
  const seconds = (Date.now() - started) / 1000;
  writeFileSync(
    path.join(work, 'stage.json'),
    JSON.stringify(
      { name, key, inputs: inputs.values ?? {}, seconds, built: new Date().toISOString(), data },
      null,
      2,
    ) + '\n',
  );
  rmSync(dir, { recursive: true, force: true });
  renameSync(work, dir);
  log(`${name}: built in ${Math.round(seconds)} s`);
  return { dir, key, cached: false, seconds, data };
}
