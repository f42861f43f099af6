// What each image leaves next to it: SHA-256 sums, sizes, and the package manifest (every
// installed Debian package and its exact version, read with dpkg-query from inside the image).
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export interface FileReport {
  name: string;
  bytes: number;
  sha256: string;
}

export async function describeFiles(files: string[]): Promise<FileReport[]> {
  const out: FileReport[] = [];
  for (const file of files)
    out.push({ name: path.basename(file), bytes: statSync(file).size, sha256: await sha256(file) });
  return out;
}

/** `SHA256SUMS` in the format `sha256sum -c` reads; entries of other images in it are kept. */
export function writeSums(dir: string, files: FileReport[]): string {
  const file = path.join(dir, 'SHA256SUMS');
  const entries = new Map<string, string>();
  if (existsSync(file)) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const match = /^([0-9a-f]{64}) {2}(.+)$/.exec(line);
      if (match && existsSync(path.join(dir, match[2]!))) entries.set(match[2]!, match[1]!);
    }
  }
  for (const f of files) entries.set(f.name, f.sha256);
  writeFileSync(
    file,
    [...entries]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, sum]) => `${sum}  ${name}\n`)
      .join(''),
  );
  return file;
}

export function humanBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

/** Parse `dpkg-query -W -f '${Package}\t${Version}\t${Architecture}\n'` output. */
export function parsePackageList(text: string): { name: string; version: string; arch: string }[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [name = '', version = '', arch = ''] = line.split('\t');
      return { name, version, arch };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

export const DPKG_QUERY_FORMAT = '${binary:Package}\\t${Version}\\t${Architecture}\\n';
