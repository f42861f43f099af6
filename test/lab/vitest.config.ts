// `npm run test:lab`: real Debian VMs under qemu (slow; excluded from `npm test`). Runs as root.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/lab/**/*.test.ts'],
    testTimeout: 30 * 60_000,
    hookTimeout: 30 * 60_000,
    // The smoke test and the two install layouts side by side: a lab spends most of an install
    // in one dpkg on one core, so two labs at once finish sooner than one after the other.
    // Other lab files (test:lab:exports) run alone.
    maxWorkers: 3,
  },
});
