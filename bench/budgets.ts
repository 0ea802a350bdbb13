import type { LambdaName } from './bundles.ts';

/**
 * The size each deployed Lambda bundle should stay within, in KiB of minified JavaScript (the `.mjs`, not
 * its source map): the one place the bench reads them from, and the "budget" column of README's
 * "Lambda bundles" table (docs/architecture.md#quality-bars). `npm run bench` prints each bundle against its
 * budget; it never fails on one (benchmarks report numbers, they do not assert). Set about 10% above each
 * bundle once the X-Ray SDK left them (case-stream and api-docs again once events, meetings and webhooks
 * were added), so a heavy new import shows. Typed by `LambdaName`, so a
 * new function does not compile until it has a budget here.
 */
export const BUNDLE_BUDGETS_KIB: Readonly<Record<LambdaName, number>> = {
  'cases-intake': 680,
  'cases-query': 620,
  'case-requests': 820,
  'case-triage': 680,
  // The webhook routes: the API's shared composition (JWT verifier, case store) and the webhook store.
  webhooks: 640,
  timer: 580,
  'case-stream': 940,
  'mail-inbound': 1500,
  // As the timer: the DynamoDB store and zod (the SES event's schema), no other client.
  'mail-events': 580,
  // The API document (bundled JSON, ~180 KiB of it minified with its real examples; it grows with the API) and
  // Powertools' logger; the renderer is a file beside the bundle.
  'api-docs': 240,
  'attachment-arrived': 720,
  // SQS (its retries) and SES (the pause notice to the leads) clients beside the webhook store.
  'webhook-sender': 780,
};
