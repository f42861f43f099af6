// Property: whatever an operator (or a broken editor) puts in a site file, the loader either
// accepts it or answers with well-formed problems — never a crash, never a stack trace.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { parseSiteText } from '../../src/site-file/load.ts';
import { InputError, formatProblem } from '../../src/diagnostics.ts';

// npm test runs 1,000 cases; `npm run test:reliability` runs the full 10,000 (FUZZ_RUNS).
const RUNS = Number(process.env.FUZZ_RUNS ?? 1_000);

/** Values that look almost right: the kind of mistakes people make, plus hostile ones. */
const nearValue = fc.oneof(
  fc.ipV4(),
  fc.ipV4().map((ip) => `${ip}/24`),
  fc.tuple(fc.ipV4(), fc.ipV4()).map(([a, b]) => `${a}-${b}`),
  fc.integer({ min: -5, max: 70_000 }),
  fc.string(),
  fc.constantFrom('$(reboot)', '`id`', 'a;rm -rf /', 'x\ny', '４.２２', '172.16.10.２', 'ＺＯＮＥ', '\u0000', '', ' ', 'null', '~', '!!str', 'yes'),
  fc.string({ minLength: 300, maxLength: 3000 }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(fc.ipV4(), fc.string()), { maxLength: 4 }),
);

const machine = fc.record({ address: nearValue, hostname: nearValue, ssh: fc.option(fc.record({ host: nearValue, port: nearValue, user: nearValue }, { requiredKeys: [] }), { nil: undefined }) }, { requiredKeys: [] });

const siteObject = fc.record(
  {
    name: nearValue,
    network: fc.record({ interface: nearValue, cidr: nearValue, gateway: nearValue, dns: nearValue, domain: nearValue }, { requiredKeys: [] }),
    management: machine,
    hosts: fc.oneof(fc.array(machine, { maxLength: 5 }), nearValue),
    ssh: fc.record({ user: nearValue, identity: nearValue, port: nearValue, password: nearValue }, { requiredKeys: [] }),
    zone: fc.record({ name: nearValue, public: nearValue, pod: nearValue, guestVlans: nearValue }, { requiredKeys: [] }),
    cloudstack: fc.record({ version: nearValue, repository: nearValue, endpoint: nearValue }, { requiredKeys: [] }),
    [`extra`]: nearValue,
  },
  { requiredKeys: [] },
);

function outcome(text: string): 'ok' | InputError {
  try {
    parseSiteText(text, 'site.yaml');
    return 'ok';
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error; // anything else is a crash: the property fails
  }
}

function wellFormed(error: InputError) {
  expect(error.problems.length).toBeGreaterThan(0);
  const seen = new Set<string>();
  for (const p of error.problems) {
    expect(p.file).toBe('site.yaml');
    expect(p.line).toBeGreaterThanOrEqual(0);
    expect(p.message.length).toBeGreaterThan(0);
    expect(p.fix?.length ?? 0).toBeGreaterThan(0);
    const line = formatProblem(p);
    expect(line).not.toMatch(/\n\s+at /); // no stack
    const key = `${p.field}|${p.line}:${p.column}|${p.message}`;
    expect(seen.has(key), `one message per problem: ${line}`).toBe(false);
    seen.add(key);
  }
}

describe('site files, generated', () => {
  it(`structured sites with near-miss and hostile values (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(siteObject, (site) => {
        const r = outcome(stringify(site));
        if (r !== 'ok') wellFormed(r);
      }),
      { numRuns: RUNS },
    );
  }, 600_000);

  it(`arbitrary text (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 400 }), fc.string({ unit: 'binary', maxLength: 200 }), fc.array(fc.constantFrom('name: ', 'network:\n', '  cidr: ', '- ', '&a ', '*a ', '!!binary ', '{', '}', '[', ']', '"', "'", '\n', '  ', ':', '#', '|', '>', '? ', '<<: *a\n', '%YAML 1.2\n', '---\n'), { maxLength: 40 }).map((parts) => parts.join(''))), (text) => {
        const r = outcome(text);
        if (r !== 'ok') wellFormed(r);
      }),
      { numRuns: RUNS },
    );
  }, 600_000);

  it('a billion-laughs file is refused, not expanded', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...'bcdefgh'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`), 'name: *h'].join('\n');
    const r = outcome(bomb);
    expect(r).not.toBe('ok');
    wellFormed(r as InputError);
  });
});
