import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/lab/**', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // sshd hosts, the simulator and the docs build are real processes: keep parallelism modest on 2 cores.
    maxWorkers: 2,
    reporters: ['default', './test/reporters/summary-line.ts'],
  },
});
