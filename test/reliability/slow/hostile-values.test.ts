// Hostile values in the site file: each either fails validation, naming its field, or reaches a
// real host (loopback sshd) byte for byte, never read by a shell on the way. Proven by steps
// that write each variable to a file with printf and through a file template.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/diagnostics.ts';
import { parseSiteText } from '../../../src/site-file/load.ts';
import { siteVariables } from '../../../src/site-file/variables.ts';
import { makeSite, startCluster, type Cluster, type Site } from '../../executor/cluster.ts';
import { HOSTILE_VALUES, STRING_FIELDS, TOLERATED_VALUES } from '../hostile-corpus.ts';
import { trackTrials } from '../results.ts';
import { runInstall, stackTraceLines } from '../helpers.ts';

const ECHO_RUNBOOK = fileURLToPath(new URL('../fixtures/runbook-echo', import.meta.url));
const OUT = '/tmp/rb-reliability-echo';
const PWNED = '/tmp/rb-pwned';

let cluster: Cluster;
let base: Site;
let baseObject: Record<string, unknown>;
const sites: Site[] = [];

beforeAll(async () => {
  cluster = await startCluster(140);
  base = makeSite(cluster, 'h', 1);
  sites.push(base);
  baseObject = parse(readFileSync(base.file, 'utf8')) as Record<string, unknown>;
  rmSync(PWNED, { force: true });
});
afterAll(() => {
  for (const s of sites) s.cleanup();
  cluster?.stop();
  rmSync(OUT, { recursive: true, force: true });
});

function withField(object: Record<string, unknown>, path: string[], value: string): Record<string, unknown> {
  const copy = structuredClone(object);
  let at = copy as Record<string, unknown>;
  for (const key of path.slice(0, -1)) at = (at[key] ??= {}) as Record<string, unknown>;
  at[path.at(-1)!] = value;
  return copy;
}

function accepts(object: Record<string, unknown>): true | InputError {
  try {
    parseSiteText(stringify(object), 'site.yaml');
    return true;
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
}

describe('hostile values in site fields', () => {
  it('are refused naming the field, or reach the host byte for byte', async () => {
    const values = [...HOSTILE_VALUES, ...TOLERATED_VALUES];
    let refused = 0;
    let literal = 0;
    await trackTrials(
      {
        area: 'bad input',
        scenario: `hostile values (${values.length}) in every text field of the site file (${STRING_FIELDS.length})`,
        expected: 'refused with a message naming the field, or written on a loopback sshd host byte for byte by a shell step and a file step (a `${NAME}` inside a value included); nothing executed',
      },
      values.length,
      async (i) => {
        const { label, value } = values[i]!;
        let site = structuredClone(baseObject);
        const reaching: { variable: string; path: string[] }[] = [];
        for (const field of STRING_FIELDS) {
          const result = accepts(withField(baseObject, field.path, value));
          if (result === true) {
            site = withField(site, field.path, value);
            reaching.push(field);
          } else {
            refused++;
            const named = result.problems.map((p) => p.field);
            expect(named, `${label} in ${field.path.join('.')}`).toContain(field.path.join('.'));
          }
        }
        if (reaching.length === 0) return;
        // The value reaches the host in every field that accepts it alone: all at once now.
        const text = stringify(site);
        const loaded = parseSiteText(text, 'site.yaml');
        const variables = siteVariables(loaded.site);
        for (const f of reaching) expect(variables[f.variable], `${label} → ${f.variable}`).toBe(value);
        const dir = makeSite(cluster, 'hv', 1);
        sites.push(dir);
        writeFileSync(dir.file, text);
        rmSync(OUT, { recursive: true, force: true });
        const r = await runInstall(dir, ['--yes', '--json'], ECHO_RUNBOOK);
        expect(stackTraceLines(r.stdout + r.stderr)).toEqual([]);
        expect(r.exitCode, `${label}: ${r.stdout.slice(-2000)} ${r.stderr}`).toBe(0);
        for (const f of reaching) {
          expect(readFileSync(join(OUT, `sh-${f.variable}`)), `${label} via printf in ${f.variable}`).toEqual(
            Buffer.from(value),
          );
          literal++;
        }
        const expectedFile = STRING_FIELDS.map((f) => `${f.variable}=${variables[f.variable]}`).join('\n') + '\n';
        expect(readFileSync(join(OUT, 'file-values')), `${label} via a file template`).toEqual(
          Buffer.from(expectedFile),
        );
        expect(existsSync(PWNED), `${label} ran a command`).toBe(false);
        dir.cleanup();
      },
    );
    expect(existsSync(PWNED)).toBe(false);
    expect(literal).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  }, 300_000);
});
