import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/** DynamoDB Local (a JVM) starts once per run, and only when a tier that needs it is in the run. */
const DYNAMODB = 'test/support/dynamodb-global-setup.ts';
/** The web portal is built once per run for the e2e tier's browser tests. */
const PORTAL = 'test/support/portal-global-setup.ts';

// The run's own process starts DynamoDB Local and builds the portal (global setups), with AWS SDK clients
// too: the same notice stays off there.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    // Test files spend most of their time waiting on DynamoDB Local, the local runtime or the browser: two
    // at once even on a 2-core machine (vitest's default there is one), which cuts `npm test` by a third.
    maxWorkers: Math.max(2, availableParallelism() - 1),
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
      // Unit, infra and integration files share their worker's module cache (no re-import of zod, the AWS
      // SDK and aws-cdk-lib per file: about half of those tiers' time); nothing there keeps module state
      // between files. The e2e files stay isolated: each starts a local runtime, and two runtimes in one
      // module cache do not stay apart (tried: one runtime's mail linked another's address).
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], isolate: false } },
      { extends: true, test: { name: 'infra', include: ['test/infra/**/*.test.ts'], isolate: false } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: [DYNAMODB],
          isolate: false,
        },
      },
      {
        // Local runtimes share the run's DynamoDB Local (each with its own tables) unless they keep a data dir.
        extends: true,
        // After the other tiers, not beside them: integration files hammer the same DynamoDB Local (50
        // concurrent writers, a table per property run), and e2e files step manual clocks through it.
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: [DYNAMODB, PORTAL],
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
