import type { Case } from '../domain/case.ts';
import { recordAtRisk, recordBreach, recordStatusChange } from '../domain/sla.ts';
import { checkTransition } from '../domain/status.ts';
import { isCurrentTimer, type TimerKind } from '../domain/timers.ts';
import type { TimerPayload } from '../ports/timer-scheduler.ts';
import type { Actor } from './actor.ts';
import { type CaseChange, changeCase } from './change-case.ts';
import type { CoreDeps } from './deps.ts';
import { NotFoundError } from './errors.ts';

export type FireOutcome =
  | { acted: true; kind: TimerKind; case: Case }
  /** Late, duplicate or superseded: the case has moved on, so the timer does nothing. */
  | { acted: false; reason: 'stale' | 'missing' };

const SYSTEM: Actor = { kind: 'system' };

class StaleTimer extends Error {}

const deadlineOf = (kind: TimerKind) =>
  kind.startsWith('first-response') ? 'first-response' : 'next-update';

/**
 * A timer fired: re-read the case and act only if this exact deadline (kind, window, due instant) is
 * still the current one, with a conditional write; anything else is a no-op. Notices follow from the
 * events this writes (the stream reaction), so a retried delivery can never notify twice.
 */
export async function fireTimer(deps: CoreDeps, payload: TimerPayload): Promise<FireOutcome> {
  try {
    const { case: updated } = await changeCase(
      deps,
      SYSTEM,
      payload.caseId,
      undefined,
      (c, now): CaseChange => {
        if (!isCurrentTimer(payload, c, deps.policy)) throw new StaleTimer();
        const deadline = deadlineOf(payload.kind);
        switch (payload.kind) {
          case 'first-response-risk':
          case 'next-update-risk':
            return {
              next: { ...c, sla: recordAtRisk(c.sla, deadline, now) },
              events: [{ type: 'sla.at_risk', deadline, dueAt: payload.dueAt }],
            };
          case 'first-response':
          case 'next-update':
            return {
              next: { ...c, sla: recordBreach(c.sla, deadline, payload.dueAt, now) },
              events: [{ type: 'sla.breached', deadline, dueAt: payload.dueAt }],
            };
          case 'auto-close': {
            if (
              !checkTransition({ from: c.status, to: 'closed', actor: 'system', systemReason: 'auto-close' })
                .ok
            ) {
              throw new StaleTimer();
            }
            return {
              next: { ...c, status: 'closed', sla: recordStatusChange(c.sla, c.status, 'closed', now) },
              events: [
                { type: 'status.changed', from: c.status, to: 'closed', note: null, visibility: 'public' },
                { type: 'case.closed', auto: true },
              ],
            };
          }
        }
      },
    );
    return { acted: true, kind: payload.kind, case: updated };
  } catch (error) {
    if (error instanceof StaleTimer) return { acted: false, reason: 'stale' };
    if (error instanceof NotFoundError) return { acted: false, reason: 'missing' };
    throw error;
  }
}
