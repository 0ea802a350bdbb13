import type { Case } from '../domain/case.ts';
import { type Instant, toInstant } from '../domain/instant.ts';
import type { EventActor, TimelineEvent, TimelineEventBody } from '../domain/timeline.ts';
import type { Actor } from './actor.ts';
import { eventActor, visibleOr404 } from './case-access.ts';
import type { CoreDeps } from './deps.ts';
import { ConflictError, PreconditionFailedError } from './errors.ts';

/** An event a change causes; `actor` only when someone other than the caller caused it (the system). */
export type PendingEvent = TimelineEventBody & { actor?: EventActor };

export interface CaseChange {
  next: Case;
  events: PendingEvent[];
}

/** Attempts before a burst of concurrent writers gets a 409 instead of waiting forever. */
const MAX_ATTEMPTS = 8;

/**
 * Read → decide → conditional write, the one way a case changes. With `If-Match` a lost race is the
 * caller's 412; without it the change is re-decided on the fresh case, so concurrent messages all land.
 */
export async function changeCase(
  deps: CoreDeps,
  actor: Actor,
  caseId: string,
  ifMatch: number | undefined,
  decide: (c: Case, now: Instant) => CaseChange,
): Promise<{ case: Case; events: TimelineEvent[] }> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const current = visibleOr404(actor, await deps.store.get(caseId), caseId);
    if (ifMatch !== undefined && current.version !== ifMatch) {
      throw new PreconditionFailedError(`the case is at version ${current.version}, not ${ifMatch}`);
    }
    const now = toInstant(deps.clock.now());
    const { next, events } = decide(current, now);
    const stored: Case = { ...next, version: current.version + 1, updatedAt: now };
    const timeline: TimelineEvent[] = events.map(
      ({ actor: by, ...body }) =>
        ({
          ...body,
          id: deps.ids.next(),
          caseId,
          at: now,
          actor: by ?? eventActor(actor, current),
        }) as TimelineEvent,
    );
    const outcome = await deps.store.update(stored, current.version, timeline);
    if (outcome.ok) return { case: stored, events: timeline };
    if (ifMatch !== undefined)
      throw new PreconditionFailedError('the case changed while this request was applied');
  }
  throw new ConflictError('the case is changing too often right now; try again');
}
