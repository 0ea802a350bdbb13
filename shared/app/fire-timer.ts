import type { Case } from '../domain/case.ts';
import { isCurrentTimer, type TimerKind } from '../domain/timers.ts';
import type { TimerPayload } from '../ports/timer-scheduler.ts';
import type { Actor } from './actor.ts';
import { changeCase, settleStored } from './change-case.ts';
import type { CoreDeps } from './deps.ts';
import { NotFoundError } from './errors.ts';

export type FireOutcome =
  | { acted: true; kind: TimerKind; case: Case }
  /** Late, duplicate or superseded: the case has moved on, so the timer does nothing. */
  | { acted: false; reason: 'stale' | 'missing' };

const SYSTEM: Actor = { kind: 'system' };

class StaleTimer extends Error {}

/**
 * Delivered before its due instant, by however little (clock skew between Scheduler and the function
 * included): acting would record the deadline as of an instant still to come, so it is sent back for a
 * retry (docs/timers.md#early-late-and-duplicate-deliveries). `dueInMs` is how long until it is due.
 */
export class EarlyTimerError extends Error {
  constructor(
    message: string,
    readonly dueInMs: number,
  ) {
    super(message);
  }
}

/**
 * A timer fired: re-read the case and act only if this exact deadline (kind, window, due instant) is
 * still the current one and its instant has come, with a conditional write. Acting settles every
 * deadline of the case that fell due by now, in due order and as of its own instant, so delivery order
 * and lateness never change the outcome, and nothing is recorded as of an instant later than now.
 * Notices follow from the events written (the stream reaction), so a retried delivery can never notify
 * twice.
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
        const early = Date.parse(payload.dueAt) - Date.parse(now);
        if (early > 0)
          throw new EarlyTimerError(
            `timer ${payload.kind} of ${payload.caseId} came ${early} ms early`,
            early,
          );
        return settleStored(c, now, deps.policy);
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
