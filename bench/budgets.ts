import type { LambdaName } from './bundles.ts';

/**
 * The size each deployed Lambda bundle should stay within, in KiB of minified JavaScript (the `.mjs`, not
 * its source map): the one place the bench reads them from, and the "budget" column of README's
 * "Lambda bundles" table (docs/architecture.md#quality-bars). `npm run bench` prints each bundle against its
 * budget; it never fails on one (benchmarks report numbers, they do not assert). Typed by `LambdaName`, so a
 * new function does not compile until it has a budget here.
 */
export const BUNDLE_BUDGETS_KIB: Readonly<Record<LambdaName, number>> = {
  'cases-intake': 800,
  'cases-query': 750,
  'case-requests': 900,
  'case-triage': 750,
  timer: 700,
  'case-stream': 1000,
  'mail-inbound': 1600,
  // As the timer: the DynamoDB store and zod (the SES event's schema), no other client.
  'mail-events': 700,
  // The API document (bundled JSON, ~190 KiB of it with its real examples; it grows with the API) and
  // Powertools' logger; the renderer is a file beside the bundle.
  'api-docs': 320,
  'attachment-arrived': 850,
};
