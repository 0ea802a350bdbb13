import type { Case } from '../domain/case.ts';
import type { Instant } from '../domain/instant.ts';
import { settleDue } from '../domain/settle.ts';
import { isCurrentTimer, type TimerKind } from '../domain/timers.ts';
import type { TimerPayload } from '../ports/timer-scheduler.ts';
import type { Actor } from './actor.ts';
import { changeCase } from './change-case.ts';
import type { CoreDeps } from './deps.ts';
import { NotFoundError } from './errors.ts';

export type FireOutcome =
  | { acted: true; kind: TimerKind; case: Case }
  /** Late, duplicate or superseded: the case has moved on, so the timer does nothing. */
  | { acted: false; reason: 'stale' | 'missing' };

const SYSTEM: Actor = { kind: 'system' };

/** A delivery this close before its due instant is clock skew between Scheduler and Lambda, not early. */
const SKEW_MS = 5_000;

class StaleTimer extends Error {}

/** Delivered well before it is due: retrying later (SQS redelivery) is the only safe answer. */
export class EarlyTimerError extends Error {}

/**
 * A timer fired: re-read the case and act only if this exact deadline (kind, window, due instant) is
 * still the current one, with a conditional write. Acting settles every deadline of the case that
 * fell due by now, in due order and as of its own instant, so delivery order and lateness never change
 * the outcome. Notices follow from the events written (the stream reaction), so a retried delivery
 * can never notify twice.
 */
export async function fireTimer(deps: CoreDeps, payload: TimerPayload): Promise<FireOutcome> {
  try {
    const { case: updated } = await changeCase(
      deps,
      SYSTEM,
      payload.caseId,
      undefined,
      (c, now) => {
        if (!isCurrentTimer(payload, c, deps.policy)) throw new StaleTimer();
        const lead = Date.parse(payload.dueAt) - Date.parse(now);
        if (lead > SKEW_MS)
          throw new EarlyTimerError(`timer ${payload.kind} of ${payload.caseId} came ${lead} ms early`);
        const asOf: Instant = lead > 0 ? payload.dueAt : now;
        const settled = settleDue(c, asOf, deps.policy);
        return settled;
      },
      { settle: false },
    );
    return { acted: true, kind: payload.kind, case: updated };
  } catch (error) {
    if (error instanceof StaleTimer) return { acted: false, reason: 'stale' };
    if (error instanceof NotFoundError) return { acted: false, reason: 'missing' };
    throw error;
  }
}
