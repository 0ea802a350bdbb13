import type { Case } from '../domain/case.ts';
import type { SlaPolicy } from '../domain/sla-policy.ts';
import { type DesiredTimer, desiredTimers, TIMER_KINDS, type TimerKind } from '../domain/timers.ts';
import type { TimerScheduler } from '../ports/timer-scheduler.ts';

export interface TimerPlan {
  set: DesiredTimer[];
  cancel: TimerKind[];
}

const same = (a: DesiredTimer | undefined, b: DesiredTimer | undefined) =>
  a !== undefined && b !== undefined && a.dueAt === b.dueAt && a.window === b.window;

/**
 * What must change when a case goes from `before` (null: new) to `after` (null: deleted): timers the
 * new state wants that the old did not want just so are set; kinds it no longer wants are cancelled.
 * Computed from the two states alone, so replaying a stream record plans the same harmless calls.
 */
export function planTimers(before: Case | null, after: Case | null, policy: SlaPolicy): TimerPlan {
  const index = (c: Case | null) => new Map((c ? desiredTimers(c, policy) : []).map((t) => [t.kind, t]));
  const old = index(before);
  const now = index(after);
  return {
    set: [...now.values()].filter((t) => !same(old.get(t.kind), t)),
    cancel: TIMER_KINDS.filter((k) => old.has(k) && !now.has(k)),
  };
}

/** Applies a plan; cancels first, so a kind never has two live timers even briefly. */
export async function applyTimerPlan(
  scheduler: TimerScheduler,
  caseId: string,
  plan: TimerPlan,
): Promise<void> {
  for (const kind of plan.cancel) await scheduler.cancel(caseId, kind);
  for (const timer of plan.set) await scheduler.set(caseId, timer);
}
