import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';

/** `~/x` → `$HOME/x`; relative paths resolve against `base` (the site file's folder). */
export function expandHome(path: string, base = process.cwd()): string {
  if (path === '~') return homedir();
  if (path.startsWith('~/')) return resolve(homedir(), path.slice(2));
  return isAbsolute(path) ? path : resolve(base, path);
}
