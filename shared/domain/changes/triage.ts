import type { Case } from '../case.ts';
import type { Instant } from '../instant.ts';
import {
  type BreadthThresholds,
  classify,
  type Qualifications,
  SEVERITY_LABELS,
  type SeverityLevel,
} from '../severity.ts';
import { suggestSeverity } from '../severity-suggestion.ts';
import { recordSeverityChange, recordWorkaround as recordSlaWorkaround } from '../sla.ts';
import type { SlaPolicy } from '../sla-policy.ts';
import { type DecidedEvent, isRefusal, type Outcome, refuseIfClosed } from './decision.ts';
import { moveStatus } from './move-status.ts';

/** Staff decide severity, assignee and workaround; what they decide is theirs, so the event says who. */
export type StaffRole = 'agent' | 'lead';

export interface SeverityDecision {
  /** The final level; from the answers when only answers are given. */
  level?: SeverityLevel | undefined;
  qualifications?: Qualifications | undefined;
  reason: string;
  by: StaffRole;
}

/**
 * Staff set the final severity, directly or from qualification answers (which also refresh the
 * suggestion); open deadlines follow the new level from their original start instants. Confirming the
 * same level is still a decision with a reason: it goes on the timeline too.
 */
export function setSeverity(c: Case, input: SeverityDecision, thresholds: BreadthThresholds): Outcome {
  const closed = refuseIfClosed(c);
  if (closed) return closed;
  const suggested = input.qualifications
    ? suggestSeverity(c, input.qualifications, thresholds)
    : { level: c.severity.suggested.level, reasons: c.severity.suggested.reasons };
  const level =
    input.level ??
    (input.qualifications ? classify(input.qualifications, thresholds).level : c.severity.level);
  return {
    case: {
      ...c,
      severity: {
        level,
        label: SEVERITY_LABELS[level],
        source: input.by,
        suggested: { level: suggested.level, reasons: suggested.reasons },
      },
      sla: recordSeverityChange(c.sla, level),
    },
    events: [{ type: 'severity.changed', from: c.severity.level, to: level, reason: input.reason }],
  };
}

/** An agent (by email, lower-cased) takes the case; a new case becomes open by the declared `assigned` move. */
export function assign(c: Case, agent: string, at: Instant, policy: SlaPolicy): Outcome {
  const closed = refuseIfClosed(c);
  if (closed) return closed;
  const assignee = agent.toLowerCase();
  const assigned: Case = { ...c, assignee };
  const events: DecidedEvent[] = [{ type: 'assignee.changed', from: c.assignee, to: assignee }];
  const opened = moveStatus(assigned, { to: 'open', by: 'system', reason: 'assigned' }, at, policy);
  if (isRefusal(opened)) return { case: assigned, events };
  return { case: opened.case, events: [...events, ...opened.events] };
}

/** A workaround or resolution is known: level 1's daily updates relax to level 2's cadence. */
export function recordWorkaround(c: Case, note: string | null, at: Instant): Outcome {
  const closed = refuseIfClosed(c);
  if (closed) return closed;
  return {
    case: { ...c, sla: recordSlaWorkaround(c.sla, at) },
    events: [{ type: 'workaround.recorded', note }],
  };
}
