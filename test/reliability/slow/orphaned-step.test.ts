// D11: kill -9 of the installer (while the step runs) leaves the step it was running alive on the host (no terminal,
// so no SIGHUP). The resume must not start a second copy beside it: steps hold a per-site,
// per-host lock on the host (src/transport/payload.ts), so the resume's copy waits, says so,
// and starts only after the orphan ended.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSite, startCluster, type Cluster } from '../../executor/cluster.ts';
import { runInstall, spawnRunbook } from '../helpers.ts';

const RUNBOOK = new URL('../fixtures/runbook-orphan', import.meta.url).pathname;

describe('a step orphaned by kill -9 of the installer', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster(236);
  });
  afterAll(() => cluster?.stop());

  it('is never run twice at once: the resume waits for it, says why, and then completes', async () => {
    const site = makeSite(cluster, 'orphan', 1);
    try {
      const child = spawnRunbook(site, ['--yes', '--json'], RUNBOOK);
      await new Promise<void>((resolve) =>
        child.stdout?.on('data', (c: Buffer) => {
          if (c.toString().includes('"step-start"') && c.toString().includes('"slow"')) resolve();
        }),
      );
      // Kill once the step really runs on the host (its first log line), however loaded the
      // machine is: the orphan must exist for the test to mean anything.
      const hostLog = `/tmp/rb-orphan/${site.name}-mgmt.log`;
      for (
        let i = 0;
        i < 1200 && !(existsSync(hostLog) && readFileSync(hostLog, 'utf8').includes('start'));
        i++
      )
        await new Promise((r) => setTimeout(r, 100));
      expect(existsSync(hostLog), 'the step never started on the host').toBe(true);
      child.kill('SIGKILL');
      await child.catch(() => undefined);
      const resume = await runInstall(site, ['--yes', '--json'], RUNBOOK);
      expect(resume.exitCode, resume.stderr).toBe(0);
      const stepLog = readFileSync(
        join(dirname(site.file), '.runbook', 'logs', 'mgmt', 'slow.log'),
        'utf8',
      );
      expect(stepLog).toMatch(
        /waiting for a step of an earlier run that is still running on this host/,
      );
      const log = readFileSync(`/tmp/rb-orphan/${site.name}-mgmt.log`, 'utf8').trim().split('\n');
      // start A, end A, start B, end B: never two starts in a row.
      expect(log.map((l) => l.split(' ')[0])).toEqual(['start', 'end', 'start', 'end']);
      expect(log[0]!.split(' ')[1]).toBe(log[1]!.split(' ')[1]);
    } finally {
      site.cleanup();
      rmSync('/tmp/rb-orphan', { recursive: true, force: true });
    }
  });
});
