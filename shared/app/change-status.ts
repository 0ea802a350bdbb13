import type { Case } from '../domain/case.ts';
import { recordStatusChange } from '../domain/sla.ts';
import { type CaseStatus, checkTransition } from '../domain/status.ts';
import type { Actor } from './actor.ts';
import { isRequester } from './case-access.ts';
import { changeCase, type PendingEvent } from './change-case.ts';
import type { AppDeps } from './deps.ts';
import { ConflictError, ForbiddenError } from './errors.ts';
import { givePublicUpdate } from './sla-updates.ts';

export interface ChangeStatusInput {
  status: CaseStatus;
  note?: string | undefined;
  /** A public note is customer-visible and counts as an update for the SLA (SPEC §3). */
  public?: boolean | undefined;
}

/** Moves a case per the status machine; staff move freely (not back to new), a requester may only close. */
export async function changeStatus(
  deps: AppDeps,
  actor: Actor,
  caseId: string,
  input: ChangeStatusInput,
  ifMatch?: number,
): Promise<Case> {
  const result = await changeCase(deps, actor, caseId, ifMatch, (c, now) => {
    const who = actor.kind === 'staff' ? actor.role : isRequester(actor, c) ? 'requester' : null;
    if (who === null) throw new ForbiddenError('only the requester, agents and leads change a case status');
    const check = checkTransition({ from: c.status, to: input.status, actor: who });
    if (!check.ok) {
      if (check.reason === 'forbidden') throw new ForbiddenError(check.detail);
      throw new ConflictError(check.detail);
    }
    const publicNote = input.note !== undefined && input.public === true;
    const moved: Case = {
      ...c,
      status: input.status,
      sla: recordStatusChange(c.sla, c.status, input.status, now),
    };
    const events: PendingEvent[] = [
      {
        type: 'status.changed',
        from: c.status,
        to: input.status,
        note: input.note ?? null,
        visibility: publicNote || who === 'requester' ? 'public' : 'internal',
      },
    ];
    let next = moved;
    if (publicNote && actor.kind === 'staff') {
      const update = givePublicUpdate(moved, now, deps.policy, c);
      next = { ...moved, sla: update.sla };
      events.push(...update.events);
    }
    if (input.status === 'closed') events.push({ type: 'case.closed', auto: false });
    return { next, events };
  });
  return result.case;
}
