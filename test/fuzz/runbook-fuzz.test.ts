// Property: any page, however broken, parses into a chapter plus well-formed problems with a
// file and line — the parser never throws at an author.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parsePage } from '../../src/runbook/parse.ts';
import { validateRunbook } from '../../src/runbook/validate.ts';
import { knownVariableNames } from '../../src/site-file/variables.ts';

// npm test runs 1,000 cases; `npm run test:reliability` runs the full 10,000 (FUZZ_RUNS).
const RUNS = Number(process.env.FUZZ_RUNS ?? 1_000);

const word = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('on', 'id', 'check', 'all', 'api', 'kvm', 'management', '${MGMT_IP}', '${NOPE}', '{', '}', '<', '>', '"', "'", '\\', '`', ':::', '#x', '$(id)'));
const attr = fc.oneof(
  fc.tuple(fc.constantFrom('on', 'check', 'verify', 'capture', 'timeout', 'retries', 'requires', 'needs', 'colour'), word).map(([k, v]) => `${k}="${v.replace(/"/g, '')}"`),
  word.map((v) => `#${v}`),
  word,
);
const directive = fc.tuple(fc.constantFrom(':::step', ':::step', '::::step', ':::note', ':::'), fc.option(word.map((w) => `[${w}]`), { nil: '' }), fc.array(attr, { maxLength: 5 })).map(([open, label, attrs]) => `${open}${label}${attrs.length ? `{${attrs.join(' ')}}` : ''}`);
const code = fc.tuple(fc.constantFrom('```sh', '```bash', '```cmk', '```ini title="/etc/x"', '```text title="rel/x"', '```sh norun', '```', '````'), fc.array(fc.oneof(word, fc.constantFrom('create zone name=x', 'list zones bad=1', 'echo ${HOST_IP}', 'frob nicate a=b', 'create pod name="unclosed')), { maxLength: 4 })).map(([fence, lines]) => `${fence}\n${lines.join('\n')}\n\`\`\``);
const block = fc.oneof(directive, code, word, fc.constant(':::'), fc.constant(''), fc.constant('# Heading {x}'), fc.constant('<div>'), fc.constant('import X from "y"'), fc.constant('export const a = {'));
const page = fc.tuple(fc.boolean(), fc.array(block, { maxLength: 12 })).map(([front, blocks]) => `${front ? '---\ntitle: T\nsidebar: { order: 1 }\n---\n\n' : ''}${blocks.join('\n\n')}\n`);

describe('runbook pages, generated', () => {
  it(`never throw, and every problem has a place and a fix (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(page, (text) => {
        const { chapter, problems } = parsePage(text, 'gen.mdx');
        const all = [...problems, ...validateRunbook({ dir: '/', chapters: [chapter] }, knownVariableNames())];
        for (const p of all) {
          expect(p.file).toBe('gen.mdx');
          expect(p.line).toBeGreaterThanOrEqual(0);
          expect(p.message.length).toBeGreaterThan(0);
          expect(p.fix?.length ?? 0).toBeGreaterThan(0);
        }
      }),
      { numRuns: RUNS },
    );
  }, 600_000);
});
