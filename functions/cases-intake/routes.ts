import { readerOf } from '../../shared/app/case-view.ts';
import { openCase } from '../../shared/app/open-case.ts';
import type { Route } from '../../shared/http/api-handler.ts';
import { caseResponse } from '../../shared/http/case-response.ts';
import { channelOf, jsonBody } from '../../shared/http/request.ts';
import { CreateCaseSchema } from '../../shared/http/schemas.ts';

/** POST /cases: a seller (JWT) or anyone for a consumer case; a consumer also gets their case token. */
export const openCaseRoute: Route = async ({ event, actor, deps }) => {
  const opened = await openCase(deps, actor, jsonBody(event, CreateCaseSchema), {
    channel: channelOf(event),
  });
  const extra = opened.caseToken ? { caseToken: opened.caseToken } : {};
  const response = caseResponse(201, opened.case, deps.policy, readerOf(actor), extra);
  return { ...response, headers: { ...response.headers, location: `/cases/${opened.case.id}` } };
};

export const intakeRoutes: Record<string, Route> = { 'POST /cases': openCaseRoute };
