import type { Case } from '../domain/case.ts';
import { moveStatus } from '../domain/changes/move-status.ts';
import type { CaseStatus } from '../domain/status.ts';
import type { Actor } from './actor.ts';
import { isRequester } from './case-access.ts';
import { changeCase } from './change-case.ts';
import type { AppDeps } from './deps.ts';
import { ForbiddenError } from './errors.ts';

export interface ChangeStatusInput {
  status: CaseStatus;
  note?: string | undefined;
  /** A public note is customer-visible and counts as an update for the SLA. */
  public?: boolean | undefined;
}

/** Moves a case per the status machine (`moveStatus`): staff move freely (not back to new), a requester may only close. */
export async function changeStatus(
  deps: AppDeps,
  actor: Actor,
  caseId: string,
  input: ChangeStatusInput,
  ifMatch?: number,
): Promise<Case> {
  const result = await changeCase(deps, actor, caseId, ifMatch, (c, now) => {
    const by = actor.kind === 'staff' ? actor.role : isRequester(actor, c) ? 'requester' : null;
    if (by === null) throw new ForbiddenError('only the requester, agents and leads change a case status');
    return moveStatus(
      c,
      { to: input.status, by, note: input.note, publicNote: input.public === true },
      now,
      deps.policy,
    );
  });
  return result.case;
}
