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

describe('removing an interrupted build', () => {
  it('unmounts what a killed build left bound inside, and never deletes through it', async () => {
    // A killed chroot build leaves the build machine's /dev bound in its work directory; a
    // folder stands in for /dev here.
    const { execFileSync, spawnSync } = await import('node:child_process');
    const { mkdirSync } = await import('node:fs');
    const outside = path.join(root, 'outside-dev');
    mkdirSync(outside, { recursive: true });
    writeFileSync(path.join(outside, 'null'), 'a device node');
    const stale = path.join(process.env.RUNBOOK_APPLIANCE_CACHE!, '.work-bound-0123456789abcdef');
    const bound = path.join(stale, 'mnt/merged/dev');
    mkdirSync(bound, { recursive: true });
    execFileSync('mount', ['--bind', outside, bound]);
    try {
      expect(existsSync(path.join(bound, 'null'))).toBe(true);
      await stages.stage('bound', { values: { v: 1 } }, async () => ({}), quiet);
      expect(existsSync(stale)).toBe(false);
      expect(existsSync(path.join(outside, 'null'))).toBe(true);
    } finally {
      // Only if the stage left it mounted (the assertion above then failed already).
      spawnSync('umount', ['-l', bound], { stdio: 'ignore' });
    }
  });

  it('reads mount points with spaces from /proc/self/mounts', async () => {
    const { mountsUnder } = await import('../../appliance/lib/remove-tree.ts');
    const mounts = [
      'proc /proc proc rw 0 0',
      'overlay /c/.work-x/mnt/merged overlay rw 0 0',
      'devtmpfs /c/.work-x/mnt/merged/dev devtmpfs rw 0 0',
      'tmpfs /c/.work-x/a\\040b tmpfs rw 0 0',
      'tmpfs /c/.work-xy tmpfs rw 0 0',
    ].join('\n');
    expect(mountsUnder('/c/.work-x', mounts)).toEqual([
      '/c/.work-x/mnt/merged/dev',
      '/c/.work-x/mnt/merged',
      '/c/.work-x/a b',
    ]);
  });
});
