import { createHash, timingSafeEqual } from 'node:crypto';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { logger } from '../adapters/powertools/observability.ts';
import type { Actor } from '../app/actor.ts';
import type { AppDeps } from '../app/deps.ts';
import type { MeetingLinks } from '../ports/meeting-links.ts';
import type { SurveyTokens } from '../ports/survey-tokens.ts';
import { type AuthDeps, resolveActor } from './auth.ts';
import { problem, problemFor, problemResponse } from './problem.ts';
import { ORIGIN_HEADER, ROUTES } from './routes.ts';

/** What a route gets: the raw event, the caller, and the composition root's dependencies. */
export interface RouteContext<D extends ApiDeps = ApiDeps> {
  event: APIGatewayProxyEventV2;
  actor: Actor;
  deps: D;
  /** The Lambda context: how long this invocation has left (idempotency's in-progress lock uses it). */
  context: Context;
}

export type Route<D extends ApiDeps = ApiDeps> = (
  ctx: RouteContext<D>,
) => Promise<APIGatewayProxyStructuredResultV2>;

export type ApiDeps = AppDeps &
  AuthDeps & {
    surveyTokens: SurveyTokens;
    meetingLinks: MeetingLinks;
    /**
     * The values the public address (the CloudFront distribution, with its firewall's per-client limits)
     * may send in `X-Casewatch-Origin`: the current origin token and, while it changes over, the one
     * before. A request without one came straight to API Gateway's own URL, around the firewall, and is
     * refused. Absent locally, where nothing stands in front.
     */
    originTokens?: readonly string[] | undefined;
  };

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Whether the request came through the public address: its origin header equals one of the tokens,
 * each compared in constant time.
 */
export function throughPublicAddress(event: APIGatewayProxyEventV2, tokens: readonly string[]): boolean {
  const sent = event.headers?.[ORIGIN_HEADER];
  if (sent === undefined) return false;
  const given = digest(sent);
  return tokens.map((token) => timingSafeEqual(given, digest(token))).includes(true);
}

/** Routes whose credential is the token in their path: the headers' credentials are not read. */
const PATH_CREDENTIAL_ROUTES = new Set(
  ROUTES.filter((r) => r.credential !== 'headers').map((r) => r.routeKey),
);

/**
 * Who is calling: nobody on a path-credential route (the route reads the token in its path), else
 * whoever `resolveActor` finds in the headers. A credential that does not verify rejects.
 */
export function callerOf(event: APIGatewayProxyEventV2, deps: AuthDeps): Promise<Actor> {
  return PATH_CREDENTIAL_ROUTES.has(event.routeKey)
    ? Promise.resolve({ kind: 'anonymous' })
    : resolveActor(event, deps);
}

export function json(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

/**
 * Every error of a request becomes its problem+json here. Registered first, so its onError runs last:
 * after idempotency has dropped the failed attempt, so a 4xx or 5xx is never replayed for a retry.
 */
const errorsToProblems: middy.MiddlewareObj<
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Error,
  Context
> = {
  onError: async (request) => {
    const answer = problemFor(request.error);
    if (answer.status >= 500) logger.error('unhandled error', { error: request.error as Error });
    request.response = problemResponse(answer);
  },
};

/**
 * The middy stack every API function shares: Powertools' logger and one error mapper to
 * problem+json. Routes are chosen by API Gateway's `routeKey`. CORS is API Gateway's
 * (`shared/http/cors.ts`), not the functions'.
 */
export function createApiHandler<D extends ApiDeps>(routes: Record<string, Route<D>>, deps: D) {
  const dispatch = async (
    event: APIGatewayProxyEventV2,
    context: Context,
  ): Promise<APIGatewayProxyStructuredResultV2> => {
    if (deps.originTokens !== undefined && !throughPublicAddress(event, deps.originTokens)) {
      return problemResponse(
        problem(
          403,
          'Not allowed',
          'this is not casewatch’s public address: call the API at the URL the stack publishes (its ApiUrl output)',
        ),
      );
    }
    const route = routes[event.routeKey];
    if (!route) return problemResponse(problem(404, 'Not found', `no route ${event.routeKey}`));
    return route({ event, actor: await callerOf(event, deps), deps, context });
  };
  const handler = middy(dispatch).use(errorsToProblems).use(injectLambdaContext(logger));
  return handler;
}
