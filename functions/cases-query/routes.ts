import { readerOf, toCaseView } from '../../shared/app/case-view.ts';
import { readLeadFigures } from '../../shared/app/lead-figures.ts';
import { getCase, listCases, listEvents } from '../../shared/app/read-cases.ts';
import { json, type Route } from '../../shared/http/api-handler.ts';
import { caseResponse } from '../../shared/http/case-response.ts';
import { caseIdParam, caseRefParam, queryParams } from '../../shared/http/request.ts';
import { ListCasesQuerySchema, PageQuerySchema } from '../../shared/http/schemas.ts';
import type { QueryDeps } from './app.ts';

/**
 * Reading cases: one case with its SLA block, the queue sorted by earliest open deadline, a timeline;
 * and the leads' figures.
 */
export const queryRoutes: Record<string, Route<QueryDeps>> = {
  'GET /cases': async ({ event, actor, deps }) => {
    const { limit, cursor, requester, ...filters } = queryParams(event, ListCasesQuerySchema);
    const page = await listCases(deps, actor, { ...filters, requesterEmail: requester }, { limit, cursor });
    return json(200, {
      items: page.items.map((c) => toCaseView(c, deps.policy, readerOf(actor))),
      cursor: page.cursor,
    });
  },
  'GET /cases/{id}': async ({ event, actor, deps }) =>
    caseResponse(200, await getCase(deps, actor, caseRefParam(event)), deps.policy, readerOf(actor)),
  'GET /cases/{id}/events': async ({ event, actor, deps }) => {
    const id = caseIdParam(event);
    const { limit, cursor } = queryParams(event, PageQuerySchema);
    return json(200, await listEvents(deps, actor, id, { limit, cursor }));
  },
  'GET /stats': async ({ actor, deps }) => json(200, await readLeadFigures(deps, actor)),
};
