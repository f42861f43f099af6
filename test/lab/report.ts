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

export class LabReport {
  readonly checks: ReportCheck[] = [];
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
}
