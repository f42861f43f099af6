import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Real VMs (lab, appliance) and the long reliability runs have their own scripts.
    exclude: ['test/lab/{smoke,install-aio,install-split,export-equivalence}.test.ts', 'test/appliance/**/*.spec.ts', 'test/reliability/slow/**', 'node_modules/**'],
    // Real sshd hosts, Chromium and tmux share 2 cores: a busy machine is slow, not wrong.
    testTimeout: 180_000,
    hookTimeout: 300_000,
    // sshd hosts, the simulator and the docs build are real processes: keep parallelism modest on 2 cores.
    maxWorkers: 2,
    reporters: ['default', './test/reporters/summary-line.ts'],
  },
});
