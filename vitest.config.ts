import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    reporters: ['default', './test/plain-summary-reporter.ts'],
    // The clock is always injected; never let a test depend on the machine's zone.
    env: { TZ: 'UTC' },
  },
});
