// `npm run test:appliance`: builds (or finds cached) images and boots them in qemu. Slow under
// TCG, so it is not part of `npm test`. Runs as root (loop devices, namespaces).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // *.test.ts: quick checks (OVF schema, preseed, stage cache); *.spec.ts: the images booted in qemu.
    include: ['test/appliance/**/*.test.ts', 'test/appliance/**/*.spec.ts'],
    testTimeout: 120 * 60_000,
    hookTimeout: 180 * 60_000,
    // One image at a time: each VM takes the machine's 2 cores.
    fileParallelism: false,
    maxWorkers: 1,
  },
});
