import type { Case } from '../domain/case.ts';
import type { Instant } from '../domain/instant.ts';
import { classify, type Qualifications, SEVERITY_LABELS, type SeverityLevel } from '../domain/severity.ts';
import { suggestSeverity } from '../domain/severity-suggestion.ts';
import {
  recordSeverityChange,
  recordWorkaround as recordSlaWorkaround,
  recordStatusChange,
} from '../domain/sla.ts';
import type { Actor } from './actor.ts';
import { SYSTEM_ACTOR } from './case-access.ts';
import { type CaseChange, changeCase, type PendingEvent, refuseClosed } from './change-case.ts';
import type { AppDeps } from './deps.ts';
import { ForbiddenError, ValidationError } from './errors.ts';

type Staff = Extract<Actor, { kind: 'staff' }>;

/**
 * A staff decision on an open case, the shape of every triage change. Staff are checked once the case
 * is found visible, so a caller who may not see it gets 404, not 403.
 */
async function triage(
  deps: AppDeps,
  actor: Actor,
  caseId: string,
  ifMatch: number | undefined,
  decide: (c: Case, now: Instant, staff: Staff) => CaseChange,
): Promise<Case> {
  const result = await changeCase(deps, actor, caseId, ifMatch, (c, now) => {
    if (actor.kind !== 'staff') throw new ForbiddenError('only agents and leads triage cases');
    refuseClosed(c);
    return decide(c, now, actor);
  });
  return result.case;
}

export interface SetSeverityInput {
  level?: SeverityLevel | undefined;
  qualifications?: Qualifications | undefined;
  reason: string;
}

/**
 * Staff set the final severity, directly or from qualification answers; open deadlines are
 * recomputed from their original start instants (a past one then breaches at once).
 */
export async function setSeverity(
  deps: AppDeps,
  actor: Actor,
  caseId: string,
  input: SetSeverityInput,
  ifMatch?: number,
) {
  if (input.level === undefined && input.qualifications === undefined) {
    throw new ValidationError('give a level, qualification answers, or both', [
      { field: 'level', message: 'required when qualifications are not given' },
    ]);
  }
  return triage(deps, actor, caseId, ifMatch, (c, _now, staff) => {
    const suggested = input.qualifications
      ? suggestSeverity(c, input.qualifications, deps.thresholds)
      : { level: c.severity.suggested.level, reasons: c.severity.suggested.reasons };
    const level =
      input.level ??
      (input.qualifications ? classify(input.qualifications, deps.thresholds).level : c.severity.level);
    const next: Case = {
      ...c,
      severity: {
        level,
        label: SEVERITY_LABELS[level],
        source: staff.role,
        suggested: { level: suggested.level, reasons: suggested.reasons },
      },
      sla: recordSeverityChange(c.sla, level),
    };
    // Confirming the same level is still a decision with a reason: it goes on the timeline too.
    const events: PendingEvent[] = [
      { type: 'severity.changed', from: c.severity.level, to: level, reason: input.reason },
    ];
    return { next, events };
  });
}

/** Assigns an agent (by email); a new case becomes open (SPEC §2). */
export async function assignCase(
  deps: AppDeps,
  actor: Actor,
  caseId: string,
  agent: string,
  ifMatch?: number,
) {
  const assignee = agent.toLowerCase();
  return triage(deps, actor, caseId, ifMatch, (c, now) => {
    const events: PendingEvent[] = [{ type: 'assignee.changed', from: c.assignee, to: assignee }];
    let next: Case = { ...c, assignee };
    if (c.status === 'new') {
      next = { ...next, status: 'open', sla: recordStatusChange(c.sla, 'new', 'open', now) };
      events.push({
        type: 'status.changed',
        from: 'new',
        to: 'open',
        note: null,
        visibility: 'public',
        actor: SYSTEM_ACTOR,
      });
    }
    return { next, events };
  });
}

/** A workaround or resolution is known: level 1's daily updates relax to level 2's cadence. */
export async function recordWorkaround(
  deps: AppDeps,
  actor: Actor,
  caseId: string,
  note: string | undefined,
  ifMatch?: number,
) {
  return triage(deps, actor, caseId, ifMatch, (c, now) => ({
    next: { ...c, sla: recordSlaWorkaround(c.sla, now) },
    events: [{ type: 'workaround.recorded', note: note ?? null }],
  }));
}
