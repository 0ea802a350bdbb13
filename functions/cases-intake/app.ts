import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { type ApiDeps, createApiHandler } from '../../shared/http/api-handler.ts';
import { intakeRoutes } from './routes.ts';

/**
 * `Idempotency-Key` scoped to the caller's credential, so two callers' keys never collide; no header,
 * no idempotency (the expression yields null).
 */
const IDEMPOTENCY_KEY = 'headers."idempotency-key" && [headers."idempotency-key", headers.authorization]';

export type IntakeDeps = ApiDeps & {
  /** Powertools persistence for `Idempotency-Key` (records in the same DynamoDB table, with a TTL). */
  idempotencyStore: BasePersistenceLayer;
};

/** The cases-intake function for any runtime: Lambda passes AWS adapters, the local gateway its own. */
export const createHandler = (deps: IntakeDeps) =>
  createApiHandler(intakeRoutes, deps, {
    use: [
      makeHandlerIdempotent({
        persistenceStore: deps.idempotencyStore,
        config: new IdempotencyConfig({ eventKeyJmesPath: IDEMPOTENCY_KEY, expiresAfterSeconds: 24 * 3600 }),
      }),
    ],
  });
