import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    reporters: ['default', './test/plain-summary-reporter.ts'],
    // The clock is always injected; never let a test depend on the machine's zone.
    // Metrics are EMF lines on stdout; tests that check them turn them back on. The AWS SDK's notice
    // that its 2027 releases need Node 22 would otherwise print once per test process.
    env: {
      TZ: 'UTC',
      POWERTOOLS_METRICS_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    projects: [
      {
        extends: true,
        test: {
          name: 'default',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/integration/**'],
        },
      },
      {
        // DynamoDB Local (a JVM) starts once per run, and only when the run includes these tests.
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
        },
      },
    ],
  },
});
