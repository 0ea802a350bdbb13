import type { DesiredTimer, TimerKind } from '../domain/timers.ts';

/** What a fired timer carries to the timer handler: enough to check it is still the current one. */
export interface TimerPayload {
  caseId: string;
  kind: TimerKind;
  /** The instant the deadline's window opened (see `DesiredTimer.window`). */
  window: string;
  dueAt: string;
}

/**
 * One-shot timers, one per case and kind, with deterministic names so a retried or replayed
 * reconciliation is harmless: `set` creates or moves, `cancel` of a missing timer is fine.
 * EventBridge Scheduler in AWS; a durable scheduler in DynamoDB Local locally.
 */
export interface TimerScheduler {
  set(caseId: string, timer: DesiredTimer): Promise<void>;
  cancel(caseId: string, kind: TimerKind): Promise<void>;
}

/** `cw-<caseId>-<kind>`: unique per case and kind, within EventBridge's 64-character limit. */
export function scheduleName(caseId: string, kind: TimerKind): string {
  return `cw-${caseId}-${kind}`;
}
