import type { Case } from './case.ts';
import { type DecidedEvent, isRefusal } from './changes/decision.ts';
import { settleMeetingTimer } from './changes/meeting.ts';
import { moveStatus } from './changes/move-status.ts';
import type { Instant } from './instant.ts';
import { recordAtRisk, recordBreach } from './sla.ts';
import type { SlaPolicy } from './sla-policy.ts';
import { type DesiredTimer, desiredTimers, type TimerKind } from './timers.ts';

/** An event a settled deadline causes, stamped with the instant it logically happened. */
export type SettledEvent = DecidedEvent & { at: Instant };

const deadlineOf = (kind: TimerKind) =>
  kind.startsWith('first-response') ? 'first-response' : 'next-update';

/** At most this many deadlines settle at once (each step removes one; meetings add a few per case). */
const MAX_STEPS = 64;

/** Applies one due timer to the case, as of its own due instant. */
function applyTimer(
  c: Case,
  t: DesiredTimer,
  timers: DesiredTimer[],
  notBefore: Instant,
  policy: SlaPolicy,
): { case: Case; events: SettledEvent[] } {
  const at = t.dueAt > notBefore ? t.dueAt : notBefore;
  if (t.kind === 'meeting-reminder' || t.kind === 'meeting-expiry') {
    const settled = settleMeetingTimer(c, t.kind, t.window, at);
    return { case: settled.case, events: settled.events.map((e) => ({ ...e, at })) };
  }
  const deadline = deadlineOf(t.kind);
  switch (t.kind) {
    case 'first-response-risk':
    case 'next-update-risk': {
      const due = timers.find((x) => x.kind === deadline)?.dueAt ?? t.dueAt;
      return {
        case: { ...c, sla: recordAtRisk(c.sla, deadline, at) },
        events: [{ type: 'sla.at_risk', deadline, dueAt: due, at, level: c.sla.level }],
      };
    }
    case 'first-response':
    case 'next-update':
      return {
        case: { ...c, sla: recordBreach(c.sla, deadline, t.dueAt, at) },
        events: [{ type: 'sla.breached', deadline, dueAt: t.dueAt, at, level: c.sla.level }],
      };
    case 'auto-close': {
      const closed = moveStatus(c, { to: 'closed', by: 'system', reason: 'auto-close' }, at, policy);
      if (isRefusal(closed)) return { case: c, events: [] };
      return { case: closed.case, events: closed.events.map((e) => ({ ...e, at })) };
    }
  }
}

/**
 * Brings a case up to `now`: every deadline that fell due and is still current is applied in due
 * order, as of the instant it fell due (at risk, breached, auto-closed). The result depends only on
 * the case and the time, never on when or how often a timer was delivered, so late, duplicate and
 * out-of-order deliveries — or none at all, when someone touches the case first — end the same way.
 *
 * `notBefore` is when the case took its present form (its last write, or now right after a change):
 * a deadline that was already past then fell due at that moment — a severity change that makes a
 * deadline past breaches "at once" (docs/service-levels.md#severity-changes), not retroactively.
 */
export function settleDue(
  c: Case,
  now: Instant,
  policy: SlaPolicy,
  notBefore: Instant = c.updatedAt,
): { case: Case; events: SettledEvent[] } {
  let current = c;
  const events: SettledEvent[] = [];
  for (let step = 0; step < MAX_STEPS; step++) {
    const timers = desiredTimers(current, policy);
    const due = timers.find((t) => t.dueAt <= now);
    if (!due) break;
    const applied = applyTimer(current, due, timers, notBefore, policy);
    if (applied.events.length === 0) break;
    current = applied.case;
    events.push(...applied.events);
  }
  return { case: current, events };
}
