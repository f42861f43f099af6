// Every outside host a step downloads from is a need of that step (so it ends `blocked`, with the
// reason, where the host cannot be reached), has a step in the preflight chapter that needs it,
// and is listed on the overview page; each need probes what the steps really fetch.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { allSteps, type Step } from '../../src/runbook/model.ts';
import { loadRunbook } from '../../src/runbook/load.ts';
import { NEEDS, probeUrls } from '../../src/runbook/needs.ts';
import { defaultVariables } from '../../src/site-file/variables.ts';

const { runbook } = loadRunbook();
const steps = allSteps(runbook);
const defaults = defaultVariables();
const overview = readFileSync(
  fileURLToPath(new URL('../../docs/src/content/docs/overview.mdx', import.meta.url)),
  'utf8',
);

/** The need behind a URL host or a site variable, as NEEDS defines them. */
function needFor(hostOrVariable: string): string | undefined {
  return Object.entries(NEEDS).find(
    ([, n]) =>
      n.variable === hostOrVariable || (n.base && new URL(n.base).hostname === hostOrVariable),
  )?.[0];
}

/** Packages that only an outside repository has, and the need that repository is. */
const OUTSIDE_PACKAGES: [RegExp, string][] = [
  [/\bcloudstack-(management|agent|common|usage)\b/, 'cloudstack-repo'],
  [/\bmysql-connector-python-py3\b/, 'mysql-repo'],
];

/** What a step downloads from: literal URL hosts, repository variables, outside packages. */
function fetchesFrom(step: Step): string[] {
  const texts = step.actions.flatMap((a) =>
    a.kind === 'sh' ? [a.script] : a.kind === 'file' ? [a.content] : [],
  );
  const needs = new Set<string>();
  for (const text of texts) {
    for (const line of text.split('\n')) {
      // Comments and messages name hosts without fetching from them.
      if (/^\s*(#|echo\b)/.test(line)) continue;
      for (const m of line.matchAll(/https?:\/\/([a-z0-9.-]+)/gi)) {
        if (/^(127\.0\.0\.1|localhost)$/.test(m[1]!)) continue;
        const need = needFor(m[1]!);
        expect(need, `${step.id} fetches from ${m[1]}, which no need names`).toBeDefined();
        needs.add(need!);
      }
      for (const m of line.matchAll(/\$\{([A-Z_]+_REPOSITORY)\b/g))
        if (/curl|apt-helper|URIs:|wget/.test(line)) needs.add(needFor(m[1]!)!);
      if (/apt-get install/.test(line))
        for (const [pkg, need] of OUTSIDE_PACKAGES) if (pkg.test(line)) needs.add(need);
    }
  }
  return [...needs];
}

describe('outside hosts', () => {
  it('every step that downloads from an outside host needs it', () => {
    const missing = steps.flatMap((s) =>
      fetchesFrom(s)
        .filter((n) => !s.needs.includes(n))
        .map((n) => `${s.id} needs ${n}`),
    );
    expect(missing).toEqual([]);
    // The mysql-connector step fetches from two outside hosts, the key server among them.
    expect(steps.find((s) => s.id === 'mysql-connector')!.needs.sort()).toEqual([
      'mysql-key',
      'mysql-repo',
    ]);
  });

  it('the preflight chapter has a step needing each one, so `runbook preflight` probes them all', () => {
    const preflight = runbook.chapters.find((c) => c.file === 'preflight.mdx')!;
    const probed = new Set(preflight.steps.flatMap((s) => s.needs));
    expect([...probed].sort()).toEqual(Object.keys(NEEDS).sort());
  });

  it('the overview lists the host of each one, with the site field that names a mirror', () => {
    const section = overview.slice(overview.indexOf('## Outside hosts'));
    for (const [name, need] of Object.entries(NEEDS)) {
      const host = new URL(probeUrls(name, defaults)[0]!).hostname;
      expect(section, name).toContain(`\`${host}\``);
      if (need.variable === 'CLOUDSTACK_REPOSITORY')
        expect(section).toContain('`cloudstack.repository`');
      if (need.variable === 'MYSQL_REPOSITORY')
        expect(section).toContain('`cloudstack.mysqlRepository`');
    }
  });

  it('probes what the steps fetch: the suite and the key, from upstream or from a mirror', () => {
    expect(probeUrls('cloudstack-repo', defaults)).toEqual([
      'https://download.cloudstack.org/debian/dists/bookworm/Release',
      'https://download.cloudstack.org/release.asc',
    ]);
    expect(
      probeUrls('cloudstack-repo', {
        CLOUDSTACK_REPOSITORY: 'https://mirror.example.org/cloudstack/debian',
      }),
    ).toEqual([
      'https://mirror.example.org/cloudstack/debian/dists/bookworm/Release',
      'https://mirror.example.org/cloudstack/release.asc',
    ]);
    expect(probeUrls('mysql-repo', defaults)).toEqual([
      'https://repo.mysql.com/apt/debian/dists/bookworm/Release',
    ]);
    expect(probeUrls('mysql-key', {})).toEqual(['https://keyserver.ubuntu.com/']);
    expect(probeUrls('cloudstack-repo', { CLOUDSTACK_REPOSITORY: '' })).toEqual([]);
  });
});
