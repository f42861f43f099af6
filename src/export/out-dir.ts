// The export folder: written only when it is new, empty, or holds an earlier export (it has
// our marker file), so nothing of the operator's is ever overwritten. Files an operator owns
// after the first export (the secrets file they may have encrypted) are kept as they are.
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  rmdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { InputError } from '../diagnostics.ts';
import type { ExportFile, ExportFormat } from './shared.ts';

export const MARKER_FILE = '.runbook-export';

interface Marker {
  format: ExportFormat;
  site: string;
  files: string[];
  /** Files the export leaves alone once they exist (the secrets). */
  keep?: string[];
}

/** The secrets file of exports written before the Ansible export had roles and group_vars. */
const LEGACY_KEPT = ['secrets.yml'];

function problem(out: string, message: string, fix: string): InputError {
  return new InputError([{ file: out, line: 0, field: '--out', message, fix }]);
}

function readMarker(dir: string): Marker | undefined {
  const file = join(dir, MARKER_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<Marker>;
    return {
      format: parsed.format ?? 'bash',
      site: parsed.site ?? '',
      files: Array.isArray(parsed.files) ? parsed.files : [],
      keep: Array.isArray(parsed.keep) ? parsed.keep : LEGACY_KEPT,
    };
  } catch {
    return { format: 'bash', site: '', files: [] };
  }
}

export interface WriteResult {
  dir: string;
  written: string[];
  /** Files kept from the earlier export because the operator may have changed them. */
  kept: string[];
  /** Kept files, readable as text, whose content is not what this export would write. */
  keptButDifferent: string[];
  /** Kept files encrypted with ansible-vault: their content cannot be compared. */
  keptEncrypted: string[];
  /** Files an earlier export kept that this one no longer uses (left for the operator). */
  leftOver: string[];
}

/** Remove `dir`'s empty folders under `root`, deepest first, up to (not including) `root`. */
function pruneEmpty(root: string, dir: string): void {
  for (let d = dir; d !== root && !relative(root, d).startsWith('..'); d = dirname(d)) {
    if (!existsSync(d) || readdirSync(d).length > 0) return;
    rmdirSync(d);
  }
}

/**
 * Write an export into `out`. `keep` names files that are left alone when they already
 * exist (secrets the operator may have encrypted or edited).
 */
export function writeExport(
  out: string,
  format: ExportFormat,
  site: string,
  files: ExportFile[],
  keep: string[] = [],
): WriteResult {
  const dir = resolve(out);
  const leftOver: string[] = [];
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory())
      throw problem(out, 'is a file, not a folder', 'name a new or empty folder for the export');
    const entries = readdirSync(dir);
    const marker = readMarker(dir);
    if (entries.length > 0 && !marker) {
      throw problem(
        out,
        `is not empty and holds no earlier export (no ${MARKER_FILE} file), so writing there could overwrite your files`,
        'name a new or empty folder, or remove its contents first',
      );
    }
    // One format per folder: a bash export here would otherwise remove the Ansible export's
    // files, the secrets it promises to keep among them.
    if (marker && marker.format !== format) {
      throw problem(
        out,
        `holds a ${marker.format} export (its ${MARKER_FILE} file says so); a ${format} export there would replace it, secrets file included`,
        `write the ${format} export into another folder, or remove this one first`,
      );
    }
    // Files of the earlier export that this one no longer has go (and folders they leave
    // empty); the operator's own stay, and so do files an export promised to keep.
    const next = new Set(files.map((f) => f.path));
    for (const old of marker?.files ?? []) {
      const target = resolve(dir, old);
      if (relative(dir, target).startsWith('..') || next.has(old) || keep.includes(old)) continue;
      if (marker?.keep?.includes(old)) {
        if (existsSync(target)) leftOver.push(old);
        continue;
      }
      rmSync(target, { force: true });
      pruneEmpty(dir, dirname(target));
    }
  }
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  const kept: string[] = [];
  const keptButDifferent: string[] = [];
  const keptEncrypted: string[] = [];
  for (const file of files) {
    const target = join(dir, file.path);
    if (keep.includes(file.path) && existsSync(target)) {
      kept.push(file.path);
      const old = readFileSync(target, 'utf8');
      if (old.startsWith('$ANSIBLE_VAULT;')) keptEncrypted.push(file.path);
      else if (old !== (file.plain ?? file.content)) keptButDifferent.push(file.path);
      continue;
    }
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.content, { mode: file.mode });
    chmodSync(target, file.mode);
    written.push(file.path);
  }
  const marker: Marker = { format, site, files: files.map((f) => f.path), keep };
  writeFileSync(join(dir, MARKER_FILE), `${JSON.stringify(marker, null, 2)}\n`, { mode: 0o644 });
  return { dir, written, kept, keptButDifferent, keptEncrypted, leftOver };
}
