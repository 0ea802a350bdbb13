import type { BreadthThresholds } from '../domain/severity.ts';
import type { SlaPolicy } from '../domain/sla-policy.ts';
import type { CaseStore } from '../ports/case-store.ts';
import type { CaseTokens } from '../ports/case-tokens.ts';
import type { Clock } from '../ports/clock.ts';
import type { IdGenerator } from '../ports/ids.ts';

/** What every use case may touch, API or worker, handed in by a composition root (one per runtime). */
export interface CoreDeps {
  store: CaseStore;
  clock: Clock;
  ids: IdGenerator;
  policy: SlaPolicy;
  thresholds: BreadthThresholds;
}

/**
 * What the API's use cases touch. Use cases that need more (the blob store) ask for it in their own
 * signature, so functions that never call them do not bundle its client.
 */
export interface AppDeps extends CoreDeps {
  caseTokens: CaseTokens;
}
