import type { Instant } from './instant.ts';
import { type Meeting, nextMeetingTimer } from './meeting.ts';
import {
  autoCloseAt,
  firstResponseAtRiskDueAt,
  firstResponseDueAt,
  nextUpdateAtRiskDueAt,
  nextUpdateDueAt,
  type SlaState,
} from './sla.ts';
import type { SlaPolicy } from './sla-policy.ts';
import type { CaseStatus } from './status.ts';

export const TIMER_KINDS = [
  'first-response-risk',
  'first-response',
  'next-update-risk',
  'next-update',
  'auto-close',
  'meeting-reminder',
  'meeting-expiry',
] as const;
export type TimerKind = (typeof TIMER_KINDS)[number];

/** Does the timer stand for a promise of the support policy (the SLA), not for a meeting? */
export const isSlaTimer = (kind: TimerKind) => !kind.startsWith('meeting-');

/**
 * A one-shot timer a case should have. `window` names the deadline it stands for (the instant the
 * window opened), so a fire can be checked against the case's current state: a timer acts only when
 * the same kind, window and due instant are still desired.
 */
export interface DesiredTimer {
  kind: TimerKind;
  dueAt: Instant;
  window: Instant;
}

export interface TimedCase {
  status: CaseStatus;
  sla: SlaState;
  /** A case's meetings (docs/meetings.md) add a reminder and an expiry timer; none when absent. */
  meetings?: readonly Meeting[];
}

/**
 * The timers a case should have, derived from its state alone (docs/timers.md#desired-timers): nothing for a
 * closed case; first-response (and its at-risk warning, once) until met or breached; next-update likewise
 * while the window runs; auto-close while pending closure; the next meeting reminder and the next
 * proposal to expire (docs/meetings.md#timers), one timer per kind like the others. Sorted by due instant.
 */
export function desiredTimers({ status, sla, meetings }: TimedCase, policy: SlaPolicy): DesiredTimer[] {
  if (status === 'closed') return [];
  const timers: DesiredTimer[] = [];
  const fr = sla.firstResponse;
  if (fr.metAt === null && fr.breachedAt === null) {
    if (fr.atRiskAt === null) {
      timers.push({
        kind: 'first-response-risk',
        dueAt: firstResponseAtRiskDueAt(sla, policy),
        window: sla.openedAt,
      });
    }
    timers.push({ kind: 'first-response', dueAt: firstResponseDueAt(sla, policy), window: sla.openedAt });
  }
  const w = sla.updateWindow;
  if (w && w.breachedAt === null) {
    const due = nextUpdateDueAt(sla, policy);
    const risk = nextUpdateAtRiskDueAt(sla, policy);
    // A paused window (on hold) stops moving toward its thresholds, so only one it had already
    // crossed by the time it paused can still be due.
    if (w.atRiskAt === null && risk !== null)
      timers.push({ kind: 'next-update-risk', dueAt: risk, window: w.startedAt });
    if (due !== null) timers.push({ kind: 'next-update', dueAt: due, window: w.startedAt });
  }
  const closeAt = status === 'pending_closure' ? autoCloseAt(sla, policy) : null;
  if (closeAt !== null && sla.pendingClosureSince !== null) {
    timers.push({ kind: 'auto-close', dueAt: closeAt, window: sla.pendingClosureSince });
  }
  if (meetings && meetings.length > 0) {
    for (const kind of ['meeting-reminder', 'meeting-expiry'] as const) {
      const next = nextMeetingTimer({ meetings }, kind);
      if (next) timers.push({ kind, dueAt: next.dueAt, window: next.window });
    }
  }
  return timers.sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.kind.localeCompare(b.kind));
}

/** Is a fired timer still the current one? Late, duplicate and stale deliveries answer false. */
export function isCurrentTimer(fired: DesiredTimer, current: TimedCase, policy: SlaPolicy): boolean {
  return desiredTimers(current, policy).some(
    (t) => t.kind === fired.kind && t.window === fired.window && t.dueAt === fired.dueAt,
  );
}
