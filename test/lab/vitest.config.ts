// `npm run test:lab`: real Debian VMs under qemu (slow; excluded from `npm test`). Runs as root.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/lab/**/*.test.ts'],
    testTimeout: 30 * 60_000,
    hookTimeout: 30 * 60_000,
    // One lab at a time: VMs share the machine's 2 cores.
    fileParallelism: false,
    maxWorkers: 1,
  },
});
