import type { Case } from '../domain/case.ts';
import { type EventActor, SYSTEM_ACTOR } from '../domain/timeline.ts';
import type { Actor } from './actor.ts';
import { NotFoundError, UnauthorizedError } from './errors.ts';

/** Staff see every case; a seller their own seller cases; a consumer the one case their token names. */
export function canSee(actor: Actor, c: Case): boolean {
  switch (actor.kind) {
    case 'staff':
    case 'system':
      return true;
    case 'seller':
      return c.type === 'seller' && c.requester.sellerId === actor.sellerId;
    case 'consumer':
      return c.id === actor.caseId;
    case 'anonymous':
      return false;
  }
}

/** The person the case is for (not staff acting on it). */
export function isRequester(actor: Actor, c: Case): boolean {
  return (actor.kind === 'seller' || actor.kind === 'consumer') && canSee(actor, c);
}

/** The case if the caller may see it; otherwise the same 404 a missing case gets. */
export function visibleOr404(actor: Actor, c: Case | null, id: string): Case {
  if (actor.kind === 'anonymous')
    throw new UnauthorizedError('sign in, or send the case token in X-Case-Token');
  if (!c || !canSee(actor, c)) throw new NotFoundError(`no case ${id}`);
  return c;
}

/** How the caller appears on the timeline. */
export function eventActor(actor: Actor, c: Case): EventActor {
  switch (actor.kind) {
    case 'staff':
      return { role: actor.role, id: actor.email };
    case 'seller':
      return { role: 'seller', id: actor.email };
    case 'consumer':
      return { role: 'consumer', id: c.requester.email ?? 'consumer' };
    case 'anonymous':
      return { role: 'consumer', id: 'anonymous' };
    case 'system':
      return SYSTEM_ACTOR;
  }
}
