// Package list files: one Debian package a line under `[section]` headers, `#` comments. A name
// outside a section, or an unknown section, is an error naming the file and the line.
import { readFileSync } from 'node:fs';

export function readPackageSections<S extends string>(
  file: string,
  sections: readonly S[],
): Record<S, string[]> {
  const out = Object.fromEntries(sections.map((s) => [s, [] as string[]])) as Record<S, string[]>;
  let current: S | undefined;
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((raw, index) => {
      const line = raw.replace(/#.*/, '').trim();
      if (!line) return;
      const header = /^\[([\w-]+)\]$/.exec(line);
      if (header) {
        if (!(sections as readonly string[]).includes(header[1]!))
          throw new Error(
            `${file}:${index + 1}: unknown section [${header[1]}] (use ${sections.map((s) => `[${s}]`).join(' or ')})`,
          );
        current = header[1] as S;
      } else if (!current) {
        throw new Error(`${file}:${index + 1}: package "${line}" is outside a section`);
      } else if (!/^[a-z0-9][a-z0-9+.-]+$/.test(line)) {
        throw new Error(`${file}:${index + 1}: "${line}" is not a Debian package name`);
      } else {
        out[current].push(line);
      }
    });
  return out;
}
