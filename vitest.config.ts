import { defineConfig } from 'vitest/config';

/** DynamoDB Local (a JVM) starts once per run, and only when a tier that needs it is in the run. */
const DYNAMODB = 'test/support/dynamodb-global-setup.ts';
/** The web portal is built once per run for the e2e tier's browser tests. */
const PORTAL = 'test/support/portal-global-setup.ts';

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
    // One project per tier, so `npm test` can say what each took.
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'infra', include: ['test/infra/**/*.test.ts'] } },
      {
        extends: true,
        test: { name: 'integration', include: ['test/integration/**/*.test.ts'], globalSetup: [DYNAMODB] },
      },
      {
        // Local runtimes share the run's DynamoDB Local (each with its own tables) unless they keep a data dir.
        extends: true,
        test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], globalSetup: [DYNAMODB, PORTAL] },
      },
    ],
  },
});
