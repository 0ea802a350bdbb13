import type { Case } from '../domain/case.ts';
import { isPublicEvent, publicView, type TimelineEvent } from '../domain/timeline.ts';
import type { CaseQuery, Page, PageRequest } from '../ports/case-store.ts';
import type { Actor } from './actor.ts';
import { isRequester, visibleOr404 } from './case-access.ts';
import type { AppDeps } from './deps.ts';
import { ForbiddenError, UnauthorizedError } from './errors.ts';

/** One case, by its id or its number; a case the caller may not see is the same 404 as none. */
export async function getCase(
  deps: AppDeps,
  actor: Actor,
  ref: { id: string } | { number: string },
): Promise<Case> {
  const found = 'id' in ref ? await deps.store.get(ref.id) : await deps.store.getByNumber(ref.number);
  return visibleOr404(actor, found, 'id' in ref ? ref.id : ref.number);
}

/** Staff list everything; a seller only their own cases, whatever filter they send. */
export async function listCases(
  deps: AppDeps,
  actor: Actor,
  query: CaseQuery,
  page: PageRequest,
): Promise<Page<Case>> {
  switch (actor.kind) {
    case 'staff':
    case 'system':
      return deps.store.list(query, page);
    case 'seller':
      // A seller's cases are all seller cases: asking for consumer cases finds none.
      if (query.type === 'consumer') return { items: [], cursor: null };
      return deps.store.list({ ...query, type: undefined, sellerId: actor.sellerId }, page);
    case 'consumer':
      throw new ForbiddenError('a case token opens one case; there is nothing to list');
    case 'anonymous':
      throw new UnauthorizedError('sign in to list cases');
  }
}

/** The timeline; a requester sees only the public part of it. */
export async function listEvents(
  deps: AppDeps,
  actor: Actor,
  id: string,
  page: PageRequest,
): Promise<Page<TimelineEvent>> {
  const c = visibleOr404(actor, await deps.store.get(id), id);
  if (!isRequester(actor, c)) return deps.store.listEvents(id, page);
  const result = await deps.store.listEvents(id, page, { publicOnly: true });
  return { ...result, items: result.items.filter(isPublicEvent).map(publicView) };
}
