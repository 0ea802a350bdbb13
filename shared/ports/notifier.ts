import type { Case } from '../domain/case.ts';
import type { Instant } from '../domain/instant.ts';
import type { CaseStatus } from '../domain/status.ts';

/** Internal notices to the support team (SPEC §2–§3). */
export type Notice =
  | { kind: 'sla.at_risk'; case: Case; deadline: 'first-response' | 'next-update'; dueAt: Instant }
  | {
      kind: 'sla.breached';
      case: Case;
      deadline: 'first-response' | 'next-update';
      dueAt: Instant;
      breachedAt: Instant;
    }
  /** A requester asked for an escalation: the leads hear of it. */
  | { kind: 'escalation.requested'; case: Case; reason: string }
  /** A customer wrote on a waiting case (pending closure, on hold), which reopened it: the assignee hears of it. */
  | { kind: 'customer.replied'; case: Case; from: CaseStatus };

export interface Notifier {
  notify(notice: Notice): Promise<void>;
}

/** Operational counters (CloudWatch EMF in AWS, log lines locally); one call, one data point. */
export type RecordMetric = (name: string, dimensions: Record<string, string>) => void;
