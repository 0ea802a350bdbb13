import type { Case } from '../domain/case.ts';
import type { SlaPolicy } from '../domain/sla-policy.ts';
import type { TimelineEvent } from '../domain/timeline.ts';
import type { CaseStore } from '../ports/case-store.ts';
import type { Notifier } from '../ports/notifier.ts';
import type { TimerScheduler } from '../ports/timer-scheduler.ts';
import { applyTimerPlan, planTimers } from './reconcile-timers.ts';

/** One change read from the table's stream, already mapped to the domain. */
export type StoredChange =
  | { kind: 'case'; before: Case | null; after: Case | null }
  | { kind: 'event'; event: TimelineEvent }
  | { kind: 'other' };

export interface ReactionDeps {
  store: CaseStore;
  policy: SlaPolicy;
  scheduler: TimerScheduler;
  notifier: Notifier;
}

/**
 * What casewatch does after a write lands: a case change reconciles its timers; an at-risk or breach
 * event tells the team. Both are safe to replay (deterministic timer names; the notice for one event).
 */
export async function reactToChange(deps: ReactionDeps, change: StoredChange): Promise<void> {
  if (change.kind === 'case') {
    const caseId = (change.after ?? change.before)?.id;
    if (caseId)
      await applyTimerPlan(deps.scheduler, caseId, planTimers(change.before, change.after, deps.policy));
    return;
  }
  if (change.kind === 'event') {
    const e = change.event;
    if (e.type !== 'sla.at_risk' && e.type !== 'sla.breached') return;
    const c = await deps.store.get(e.caseId);
    if (!c) return;
    if (e.type === 'sla.at_risk')
      await deps.notifier.notify({ kind: 'sla.at_risk', case: c, deadline: e.deadline, dueAt: e.dueAt });
    else
      await deps.notifier.notify({
        kind: 'sla.breached',
        case: c,
        deadline: e.deadline,
        dueAt: e.dueAt,
        breachedAt: e.at,
      });
  }
}
