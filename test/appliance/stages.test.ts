// The appliance build's stage cache: an unchanged input set reuses the finished stage, a changed
// file or value builds anew (and drops the old output), and a failed build leaves nothing that
// a later run could mistake for a finished stage.
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = mkdtempSync(path.join(tmpdir(), 'stages-'));
process.env.RUNBOOK_APPLIANCE_CACHE = path.join(root, 'cache');
let stages: typeof import('../../appliance/lib/stages.ts');
const input = path.join(root, 'input.txt');
const quiet = () => {};

beforeAll(async () => {
  stages = await import('../../appliance/lib/stages.ts');
  writeFileSync(input, 'one');
});

describe('stage cache', () => {
  it('builds once, then finds the finished stage without running the build', async () => {
    let builds = 0;
    const build = async (dir: string) => {
      builds++;
      writeFileSync(path.join(dir, 'out.txt'), 'built');
      return { n: builds };
    };
    const first = await stages.stage('demo', { files: [input], values: { size: 1 } }, build, quiet);
    const second = await stages.stage(
      'demo',
      { files: [input], values: { size: 1 } },
      build,
      quiet,
    );
    expect(first.cached).toBe(false);
    expect(second.cached).toBe(true);
    expect(second.data).toEqual({ n: 1 });
    expect(second.dir).toBe(first.dir);
    expect(builds).toBe(1);
    expect(existsSync(path.join(second.dir, 'out.txt'))).toBe(true);
  });

  it('builds anew when a file or a value changes, and drops the outdated output', async () => {
    const before = await stages.stage('edit', { files: [input] }, async () => ({}), quiet);
    writeFileSync(input, 'two');
    const afterFile = await stages.stage('edit', { files: [input] }, async () => ({}), quiet);
    const afterValue = await stages.stage(
      'edit',
      { files: [input], values: { v: 2 } },
      async () => ({}),
      quiet,
    );
    expect(new Set([before.key, afterFile.key, afterValue.key]).size).toBe(3);
    expect(afterValue.cached).toBe(false);
    expect(
      readdirSync(process.env.RUNBOOK_APPLIANCE_CACHE!).filter((e) => e.startsWith('edit-')),
    ).toEqual([`edit-${afterValue.key}`]);
  });

  it('leaves nothing finished behind when the build fails', async () => {
    await expect(
      stages.stage(
        'broken',
        { values: { x: 1 } },
        async (dir) => {
          writeFileSync(path.join(dir, 'half.txt'), 'half');
          throw new Error('disk full');
        },
        quiet,
      ),
    ).rejects.toThrow('disk full');
    const again = await stages.stage(
      'broken',
      { values: { x: 1 } },
      async () => ({ ok: true }),
      quiet,
    );
    expect(again.cached).toBe(false);
    expect(again.data).toEqual({ ok: true });
  });

  it('names a missing input', () => {
    expect(() => stages.stageKey({ files: [path.join(root, 'nope.txt')] })).toThrow(
      /nope\.txt does not exist/,
    );
  });
});
