import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { Actor } from '../../shared/app/actor.ts';
import { type ApiDeps, callerOf, createApiHandler } from '../../shared/http/api-handler.ts';
import { intakeRoutes } from './routes.ts';

export type IntakeDeps = ApiDeps & {
  /** Powertools persistence for `Idempotency-Key` (records in the same DynamoDB table, with a TTL). */
  idempotencyStore: BasePersistenceLayer;
};

/** Where the caller's verified identity is put for the idempotency key (never sent by clients). */
const IDENTITY = 'casewatchIdentity';

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

/**
 * Puts the caller's verified identity on the event before idempotency hashes it, so a key is scoped
 * to who is calling (not to the raw token, which changes when it is refreshed). A credential that
 * does not verify leaves it unset; the route then answers 401 and nothing is stored.
 */
function identifyCaller(
  deps: ApiDeps,
): middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context> {
  return {
    before: async (request) => {
      const context = request.event.requestContext as unknown as Record<string, unknown>;
      delete context[IDENTITY];
      try {
        context[IDENTITY] = identityOf(await callerOf(request.event, deps));
      } catch {
        // Left unset: the handler reports the bad credential.
      }
    },
  };
}

/**
 * A retried create replays the first answer only for the same key, the same verified caller and the
 * same body: anonymous buyers share no key space with each other unless they send the very same case.
 * No header, no idempotency (the expression yields null); failures are never stored.
 */
const IDEMPOTENCY_KEY = `headers."idempotency-key" && [headers."idempotency-key", requestContext.${IDENTITY}, body]`;

/** The cases-intake function for any runtime: Lambda passes AWS adapters, the local gateway its own. */
export const createHandler = (deps: IntakeDeps) =>
  createApiHandler(intakeRoutes, deps, {
    use: [
      identifyCaller(deps),
      makeHandlerIdempotent({
        persistenceStore: deps.idempotencyStore,
        config: new IdempotencyConfig({ eventKeyJmesPath: IDEMPOTENCY_KEY, expiresAfterSeconds: 24 * 3600 }),
      }),
    ],
  });
