import type { BreadthThresholds } from '../domain/severity.ts';
import type { SlaPolicy } from '../domain/sla-policy.ts';
import type { BlobStore } from '../ports/blob-store.ts';
import type { CaseStore } from '../ports/case-store.ts';
import type { CaseTokens } from '../ports/case-tokens.ts';
import type { Clock } from '../ports/clock.ts';
import type { IdGenerator } from '../ports/ids.ts';

/** Everything a use case may touch, handed in by a composition root (one per runtime). */
export interface AppDeps {
  store: CaseStore;
  clock: Clock;
  ids: IdGenerator;
  policy: SlaPolicy;
  caseTokens: CaseTokens;
  blobs: BlobStore;
  thresholds: BreadthThresholds;
}
