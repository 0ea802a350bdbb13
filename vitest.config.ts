import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    // The clock is always injected; never let a test depend on the machine's zone.
    env: { TZ: 'UTC' },
  },
});
