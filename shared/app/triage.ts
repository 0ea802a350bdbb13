import type { Case } from '../domain/case.ts';
import type { Outcome } from '../domain/changes/decision.ts';
import * as decisions from '../domain/changes/triage.ts';
import type { Instant } from '../domain/instant.ts';
import type { Qualifications, SeverityLevel } from '../domain/severity.ts';
import type { StaffDirectory } from '../ports/staff-directory.ts';
import type { Actor } from './actor.ts';
import { changeCase } from './change-case.ts';
import type { AppDeps } from './deps.ts';
import { ForbiddenError, ValidationError } from './errors.ts';

type Staff = Extract<Actor, { kind: 'staff' }>;

/**
 * A staff decision on a case, the shape of every triage change. Staff are checked once the case is
 * found visible, so a caller who may not see it gets 404, not 403.
 */
async function triage(
  deps: AppDeps,
  actor: Actor,
  caseId: string,
  ifMatch: number | undefined,
  decide: (c: Case, now: Instant, staff: Staff) => Outcome,
): Promise<Case> {
  const result = await changeCase(deps, actor, caseId, ifMatch, (c, now) => {
    if (actor.kind !== 'staff') throw new ForbiddenError('only agents and leads triage cases');
    return decide(c, now, actor);
  });
  return result.case;
}

export interface SetSeverityInput {
  level?: SeverityLevel | undefined;
  qualifications?: Qualifications | undefined;
  reason: string;
}

/** Staff set the final severity, directly or from qualification answers (`setSeverity` in the domain). */
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
  return triage(deps, actor, caseId, ifMatch, (c, _now, staff) =>
    decisions.setSeverity(c, { ...input, by: staff.role }, deps.thresholds),
  );
}

/**
 * Assigns an agent (by email); a new case becomes open. The assignee is mailed the case's internal
 * notices and may add internal notes by replying, so it must be on the support team (the directory):
 * a typo or an outside address is a 400, and nothing is written. Staff may always take a case themselves.
 */
export async function assignCase(
  deps: AppDeps & { staff: StaffDirectory },
  actor: Actor,
  caseId: string,
  agent: string,
  ifMatch?: number,
) {
  const self = actor.kind === 'staff' && actor.email.toLowerCase() === agent.toLowerCase();
  const onTeam = actor.kind !== 'staff' || self || (await deps.staff.roleOf(agent)) !== null;
  // Refused only once the case is found and If-Match holds, so a missing case is still a 404, a stale one a 412.
  return triage(deps, actor, caseId, ifMatch, (c, now) => {
    if (!onTeam) {
      const message = `${agent} is not an agent or lead of this support team`;
      throw new ValidationError(message, [{ field: 'assignee', message }]);
    }
    return decisions.assign(c, agent, now, deps.policy);
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
  return triage(deps, actor, caseId, ifMatch, (c, now) => decisions.recordWorkaround(c, note ?? null, now));
}
