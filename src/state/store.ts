// The state file: generated secrets and values captured from the CloudStack API. Mode 0600,
// replaced atomically (temp file, fsync, rename) so it is always either old or new, whole.
import { randomInt } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';

export interface SiteState {
  secrets: Record<string, string>;
  captured: Record<string, string>;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const SECRET_LENGTH = 32;

export function generateSecret(length = SECRET_LENGTH): string {
  let s = '';
  for (let i = 0; i < length; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

export function readState(file: string): SiteState {
  if (!existsSync(file)) return { secrets: {}, captured: {} };
  let parsed: Partial<SiteState>;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<SiteState>;
  } catch (error) {
    throw new Error(
      `the state file ${file} cannot be read (${(error as Error).message}); it holds the generated passwords, ` +
        'so restore it from a backup instead of deleting it',
      { cause: error },
    );
  }
  return { secrets: parsed.secrets ?? {}, captured: parsed.captured ?? {} };
}

export function writeState(file: string, state: SiteState): void {
  const temp = `${file}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w', 0o600);
  try {
    writeSync(fd, JSON.stringify(state, null, 2) + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
  const dirFd = openSync(dirname(file), 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}

/** Generate every named secret that the state does not hold yet; saves before returning. */
export function ensureSecrets(file: string, names: string[]): SiteState {
  const state = readState(file);
  const missing = names.filter((n) => !state.secrets[n]);
  if (missing.length > 0) {
    for (const name of missing) state.secrets[name] = generateSecret();
    writeState(file, state);
  }
  return state;
}

/**
 * Values an api step captured, merged into the state. Other writers (the API client saving its
 * keys) may have changed the file meanwhile, so the file is read again first.
 */
export function mergeCaptured(
  file: string,
  state: SiteState,
  captured: Record<string, string>,
): SiteState {
  const onDisk = readState(file);
  const merged = {
    secrets: { ...state.secrets, ...onDisk.secrets },
    captured: { ...state.captured, ...onDisk.captured, ...captured },
  };
  if (Object.keys(captured).length > 0) writeState(file, merged);
  return merged;
}
