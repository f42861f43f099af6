// `npm run test:reliability`: the property tests at full size (FUZZ_RUNS) and every reliability
// test, slow ones included (kill -9 cycles, full disk on a tmpfs: needs root). Results for the
// report go to test/.artifacts/reliability/; `npm run reliability:report` turns them into the page.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/fuzz/**/*.test.ts', 'test/reliability/**/*.test.ts'],
    testTimeout: 10 * 60_000,
    hookTimeout: 120_000,
    // Real sshd hosts and installers: two files at a time on 2 cores.
    maxWorkers: 2,
    reporters: ['default', './test/reporters/summary-line.ts', './test/reliability/fuzz-reporter.ts'],
  },
});
