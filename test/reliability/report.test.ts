// The reliability page: generated from the results files, sidebar order 30, counts and failures
// shown, and no runbook steps (the runbook loader reads it as a page with nothing to run).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRunbook } from '../../src/runbook/load.ts';
import { readTrials, renderPage } from '../../scripts/reliability-report.ts';

const trials = [
  { area: 'interruptions', scenario: 'kill -9 at a random moment', expected: 'resume exits 0', runs: 54, passed: 54, notes: 'seed 7', at: '2026-11-21T20:00:00.000Z' },
  { area: 'trust', scenario: 'https with `${CA}` <no CA> {x}', expected: 'refused | said so', runs: 4, passed: 3, at: '2026-11-21T21:00:00.000Z' },
];

describe('reliability report', () => {
  it('renders counts, failures and the order of the docs sidebar', () => {
    const page = renderPage(trials);
    expect(page).toMatch(/^---\ntitle: Reliability report\n/);
    expect(page).toContain('sidebar: { order: 30 }');
    expect(page).toContain('Scenarios: 2. Runs: 58, of which 57 ended as expected.');
    expect(page).toContain('| interruptions | kill -9 at a random moment | resume exits 0 | 54 | 54 | passed | seed 7 |');
    expect(page).toContain('| **1 failed** |');
    expect(page).toContain('`${CA}` &lt;no CA&gt; &#123;x&#125;');
    expect(page).toContain('refused \\| said so');
  });

  it('reads the results files and makes a page the runbook loader accepts, with no steps', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rb-report-'));
    try {
      const results = join(dir, 'results');
      const pages = join(dir, 'pages');
      for (const [i, t] of trials.entries()) {
        writeFileSync(join(dir, `${i}.json`), JSON.stringify(t));
      }
      expect(readTrials(dir).map((t) => t.area)).toEqual(['interruptions', 'trust']);
      expect(readTrials(results)).toEqual([]);
      rmSync(pages, { recursive: true, force: true });
      mkdirSync(pages);
      writeFileSync(join(pages, 'reliability.mdx'), renderPage(readTrials(dir)));
      const { runbook, problems } = loadRunbook(pages);
      expect(problems).toEqual([]);
      expect(runbook.chapters.flatMap((c) => c.steps)).toEqual([]);
      expect(runbook.chapters.map((c) => c.title)).toEqual(['Reliability report']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
