import type { Case } from '../domain/case.ts';
import { requestEscalation as escalation } from '../domain/changes/escalation.ts';
import type { Actor } from './actor.ts';
import { isRequester } from './case-access.ts';
import { changeCase } from './change-case.ts';
import type { AppDeps } from './deps.ts';
import { ForbiddenError } from './errors.ts';

/**
 * The requester asks for an escalation: it is recorded and waits on the case until a lead acts
 * (docs/cases.md#escalations); the leads are told by the notifier, later.
 */
export async function requestEscalation(
  deps: AppDeps,
  actor: Actor,
  caseId: string,
  reason: string,
  ifMatch?: number,
): Promise<Case> {
  const result = await changeCase(deps, actor, caseId, ifMatch, (c, now) => {
    if (!isRequester(actor, c)) throw new ForbiddenError('only the requester asks for an escalation');
    return escalation(c, reason, now);
  });
  return result.case;
}
