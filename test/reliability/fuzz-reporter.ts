// Records the property tests (test/fuzz) in the reliability results, so the report counts their
// cases: a fast-check property runs FUZZ_RUNS cases, which its test name states as "(N cases)".
import type { Reporter, TestModule } from 'vitest/node';
import { recordTrial } from './results.ts';

export default class FuzzResults implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    for (const module of modules) {
      if (!module.moduleId.includes('/test/fuzz/')) continue;
      const file = module.moduleId.slice(module.moduleId.indexOf('/test/fuzz/') + 1);
      for (const test of module.children.allTests()) {
        const cases = /\((\d[\d,]*) cases\)/.exec(test.name)?.[1]?.replaceAll(',', '');
        if (!cases) continue;
        const state = test.result().state;
        if (state === 'skipped' || state === 'pending') continue;
        const runs = Number(cases);
        recordTrial({
          area: 'bad input',
          scenario: `property: ${test.name.replace(/\s*\(\d[\d,]* cases\)/, '')} (${file})`,
          expected: 'never a crash or stack trace; every problem names its place and a fix',
          runs,
          passed: state === 'passed' ? runs : 0,
          notes: state === 'passed' ? 'fast-check' : 'failed: see the counterexample in the test output',
        });
      }
    }
  }
}
