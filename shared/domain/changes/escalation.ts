import type { Case } from '../case.ts';
import type { Instant } from '../instant.ts';
import { type Outcome, refuseIfClosed } from './decision.ts';

/**
 * The requester asks for more attention (docs/cases.md#escalations): recorded on the timeline, from which
 * the leads hear of it, and kept on the case until a lead acts. Asking again while one waits keeps the
 * first instant (the wait is measured from the first ask) and takes the latest reason.
 */
export function requestEscalation(c: Case, reason: string, at: Instant): Outcome {
  const closed = refuseIfClosed(c);
  if (closed) return closed;
  return {
    case: { ...c, escalation: { requestedAt: c.escalation?.requestedAt ?? at, reason } },
    events: [{ type: 'escalation.requested', reason }],
  };
}

/**
 * What a write leaves of a waiting escalation (docs/cases.md#escalations): a lead acting on the case
 * answers it — any change a lead makes, a message, a status, the severity, the assignee, a workaround —
 * and a closed case has nothing left to escalate, however it closed. The write path applies this to
 * every change; `leadActed` when the change is a decision of a lead's (not one that only settled
 * deadlines, nor one refused). Answers the case itself when nothing changes.
 */
export function followEscalation(c: Case, leadActed: boolean): Case {
  if (c.escalation === null) return c;
  return c.status === 'closed' || leadActed ? { ...c, escalation: null } : c;
}
