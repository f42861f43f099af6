// The lab tests' report: test/.artifacts/lab/<name>.md and .json, written even when a test
// fails, so a failed run still shows how far it got and what it measured.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const ARTIFACTS = path.resolve('test/.artifacts/lab');

export interface ReportCheck {
  name: string;
  ok: boolean;
  detail?: string;
}

/** One step on one machine: run for real, blocked (and why), or answered by the simulator. */
export interface StepRow {
  layout: string;
  id: string;
  host: string;
  kind: 'real' | 'blocked' | 'simulated';
  status: string;
  seconds: number;
  reason?: string;
}

export class LabReport {
  readonly checks: ReportCheck[] = [];
  readonly steps: StepRow[] = [];
  readonly figures: Record<string, number | string | boolean> = {};
  readonly name: string;
  readonly title: string;

  constructor(name: string, title: string) {
    this.name = name;
    this.title = title;
  }

  check(name: string, ok: boolean, detail?: string): boolean {
    this.checks.push({ name, ok, detail });
    return ok;
  }

  /** Record a step's outcome; a later row for the same layout, step and host replaces it. */
  step(row: StepRow): void {
    const at = this.steps.findIndex(
      (r) => r.layout === row.layout && r.id === row.id && r.host === row.host,
    );
    if (at >= 0) this.steps[at] = row;
    else this.steps.push(row);
  }

  figure(name: string, value: number | string | boolean): void {
    this.figures[name] = typeof value === 'number' ? Math.round(value * 10) / 10 : value;
  }

  write(): string {
    mkdirSync(ARTIFACTS, { recursive: true });
    const base = path.join(ARTIFACTS, this.name);
    const passed = this.checks.filter((c) => c.ok).length;
    writeFileSync(
      `${base}.json`,
      JSON.stringify(
        {
          title: this.title,
          written: new Date().toISOString(),
          passed,
          failed: this.checks.length - passed,
          figures: this.figures,
          checks: this.checks,
          steps: this.steps,
        },
        null,
        2,
      ) + '\n',
    );
    const md = [
      `# ${this.title}`,
      '',
      `${new Date().toISOString()}: ${passed} of ${this.checks.length} checks passed.`,
      '',
      '## Figures',
      '',
      '| figure | value |',
      '|---|---|',
      ...Object.entries(this.figures).map(([k, v]) => `| ${k} | ${v} |`),
      '',
      ...this.stepTables(),
      '## Checks',
      '',
      ...this.checks.map(
        (c) =>
          `- ${c.ok ? 'PASS' : 'FAIL'} ${c.name}${c.detail ? `: ${c.detail.replace(/\n/g, ' ')}` : ''}`,
      ),
      '',
    ].join('\n');
    writeFileSync(`${base}.md`, md);
    return `${base}.md`;
  }

  private stepTables(): string[] {
    const lines: string[] = [];
    for (const layout of [...new Set(this.steps.map((r) => r.layout))]) {
      const rows = this.steps.filter((r) => r.layout === layout);
      const count = (kind: StepRow['kind']) => rows.filter((r) => r.kind === kind).length;
      lines.push(
        `## Steps: ${layout}`,
        '',
        `${count('real')} real, ${count('blocked')} blocked, ${count('simulated')} simulated.`,
        '',
        '| step | host | kind | status | s | note |',
        '|---|---|---|---|---|---|',
        ...rows.map(
          (r) =>
            `| ${r.id} | ${r.host} | ${r.kind} | ${r.status} | ${r.seconds} | ${(r.reason ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`,
        ),
        '',
      );
    }
    return lines;
  }
}
