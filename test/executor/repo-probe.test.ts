// The probe of outside hosts, against a repository on loopback: every URL a need names is
// fetched from the host (here through the local transport), and the reason for blocking names
// the one that failed, so an operator knows that a mirror lacks the key, not the packages.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RepositoryProbe } from '../../src/executor/repo-probe.ts';
import type { Plan } from '../../src/plan/model.ts';
import { StepLog } from '../../src/state/logs.ts';
import { LocalTransport } from '../../src/transport/local.ts';

let server: Server;
let base: string;
const served = new Set([
  '/cloudstack/debian/dists/bookworm/Release',
  '/cloudstack/release.asc',
  '/mirror/debian/dists/bookworm/Release',
]);
const asked: string[] = [];
const logs = mkdtempSync(join(tmpdir(), 'rb-probe-'));

beforeAll(async () => {
  server = createServer((req, res) => {
    asked.push(req.url!);
    res.statusCode = served.has(req.url!) ? 200 : 404;
    res.end(served.has(req.url!) ? 'ok\n' : 'not here\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(logs, { recursive: true, force: true });
});

function probeFor(repository: string): RepositoryProbe {
  const plan = { variables: { CLOUDSTACK_REPOSITORY: repository } } as unknown as Plan;
  return new RepositoryProbe(plan, (host) => new LocalTransport(host));
}

describe('the probe of outside hosts', () => {
  it('fetches the suite and the key; a repository that serves both is reachable', async () => {
    asked.length = 0;
    const log = new StepLog(logs, 'kvm1', 'agent-install');
    expect(
      await probeFor(`${base}/cloudstack/debian`).check('kvm1', ['cloudstack-repo'], log),
    ).toBe(true);
    log.close();
    expect(asked).toEqual(['/cloudstack/debian/dists/bookworm/Release', '/cloudstack/release.asc']);
  });

  it('names the URL that failed: a mirror without the signing key', async () => {
    const log = new StepLog(logs, 'kvm1', 'cloudstack-repo');
    const reason = await probeFor(`${base}/mirror/debian`).check('kvm1', ['cloudstack-repo'], log);
    log.close();
    expect(reason).toMatch(
      new RegExp(
        `^CloudStack's package repository \\(${base}/mirror/release\\.asc\\) is unreachable from kvm1 \\(.*404.*\\)$`,
      ),
    );
  });

  it('asks once per host and need, however many steps need it', async () => {
    asked.length = 0;
    const probe = probeFor(`${base}/cloudstack/debian`);
    const log = new StepLog(logs, 'mgmt', 'x');
    await Promise.all([
      probe.check('mgmt', ['cloudstack-repo'], log),
      probe.check('mgmt', ['cloudstack-repo'], log),
    ]);
    log.close();
    expect(asked).toHaveLength(2);
  });

  it('says so when the site leaves the repository empty', async () => {
    const log = new StepLog(logs, 'mgmt', 'y');
    expect(await probeFor('').check('mgmt', ['cloudstack-repo'], log)).toBe(
      "the site names no address for CloudStack's package repository (CLOUDSTACK_REPOSITORY is empty)",
    );
    log.close();
  });
});
