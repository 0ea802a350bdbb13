import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Actor } from '../../shared/app/actor.ts';
import { type ApiDeps, createApiHandler, type Route } from '../../shared/http/api-handler.ts';
import { bodyText, idempotencyKey } from '../../shared/http/request.ts';
import { intakeRoutes, openCaseRoute } from './routes.ts';

export type IntakeDeps = ApiDeps & {
  /** Powertools persistence for `Idempotency-Key` (records in the same DynamoDB table, with a TTL). */
  idempotencyStore: BasePersistenceLayer;
};

/** The verified caller, as the idempotency key scopes it (not the raw token, which changes on refresh). */
function identityOf(actor: Actor): string {
  switch (actor.kind) {
    case 'seller':
      return `seller:${actor.sellerId}:${actor.email}`;
    case 'staff':
      return `staff:${actor.email}`;
    case 'consumer':
      return `case:${actor.caseId}`;
    default:
      return actor.kind;
  }
}

/** What a retried create must repeat to get the first answer back: the key, the caller, the body. */
interface CreateRequest {
  key: string;
  caller: string;
  body: string;
}

/**
 * A retried create replays the first answer only for the same key, the same verified caller and the
 * same body: anonymous buyers share no key space with each other unless they send the very same case.
 * No header, no idempotency; failures (thrown) are never stored, and a create still running under the
 * key is a 409 to retry. Powertools' function wrapper, not its middy middleware: the middleware (up to
 * 2.35) deletes the record of the request that holds it when a racing duplicate is refused, so the
 * retry after the race ran the create again (aws-powertools/powertools-lambda-typescript#5675).
 */
function idempotentCreate(deps: IntakeDeps): Route<IntakeDeps> {
  return async (ctx) => {
    const key = idempotencyKey(ctx.event);
    if (key === undefined) return openCaseRoute(ctx);
    const config = new IdempotencyConfig({ expiresAfterSeconds: 24 * 3600 });
    config.registerLambdaContext(ctx.context);
    const once = makeIdempotent(async (_request: CreateRequest) => openCaseRoute(ctx), {
      persistenceStore: deps.idempotencyStore,
      config,
    });
    return once({ key, caller: identityOf(ctx.actor), body: bodyText(ctx.event) });
  };
}

/** The cases-intake function for any runtime: Lambda passes AWS adapters, the local gateway its own. */
export const createHandler = (deps: IntakeDeps) =>
  createApiHandler({ ...intakeRoutes, 'POST /cases': idempotentCreate(deps) }, deps);
