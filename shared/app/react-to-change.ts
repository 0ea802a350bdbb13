import type { Case } from '../domain/case.ts';
import type { SlaPolicy } from '../domain/sla-policy.ts';
import type { TimelineEvent } from '../domain/timeline.ts';
import type { CaseStore } from '../ports/case-store.ts';
import type { Notice, Notifier, RecordMetric } from '../ports/notifier.ts';
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
  recordMetric?: RecordMetric;
}

const BREACH_METRIC = {
  'first-response': 'FirstResponseBreached',
  'next-update': 'NextUpdateBreached',
} as const;

/** The notice and metric an event calls for, whatever wrote it (a timer, a settle, a request). */
function consequences(
  e: TimelineEvent,
  c: Case,
): { notice?: Notice; metric?: [string, Record<string, string>] } {
  const severity = String(c.severity.level);
  switch (e.type) {
    case 'sla.at_risk':
      return {
        notice: { kind: 'sla.at_risk', case: c, deadline: e.deadline, dueAt: e.dueAt },
        metric: ['SlaAtRisk', { severity }],
      };
    case 'sla.breached':
      return {
        notice: { kind: 'sla.breached', case: c, deadline: e.deadline, dueAt: e.dueAt, breachedAt: e.at },
        metric: [BREACH_METRIC[e.deadline], { severity }],
      };
    case 'escalation.requested':
      return {
        notice: { kind: 'escalation.requested', case: c, reason: e.reason },
        metric: ['EscalationRequested', { severity }],
      };
    case 'case.closed':
      return e.auto ? { metric: ['CaseAutoClosed', {}] } : {};
    case 'status.changed':
      // The system reopens a waiting case only because the customer wrote.
      return e.actor.role === 'system' &&
        e.to === 'open' &&
        (e.from === 'pending_closure' || e.from === 'on_hold')
        ? { notice: { kind: 'customer.replied', case: c, from: e.from } }
        : {};
    default:
      return {};
  }
}

/**
 * What casewatch does after a write lands: a case change reconciles its timers; an event sends the
 * notice and metric it calls for. Both follow from what was stored, whoever stored it, and both are
 * safe to replay (deterministic timer names; one notice per event).
 */
export async function reactToChange(deps: ReactionDeps, change: StoredChange): Promise<void> {
  if (change.kind === 'case') {
    const caseId = (change.after ?? change.before)?.id;
    if (caseId)
      await applyTimerPlan(deps.scheduler, caseId, planTimers(change.before, change.after, deps.policy));
    return;
  }
  if (change.kind !== 'event') return;
  const c = await deps.store.get(change.event.caseId);
  if (!c) return;
  const { notice, metric } = consequences(change.event, c);
  if (notice) await deps.notifier.notify(notice);
  if (metric) deps.recordMetric?.(...metric);
}
