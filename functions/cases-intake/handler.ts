import { awsApiDeps, dynamodb, env } from '../aws-composition.ts';
import { createHandler } from './app.ts';
import { createIdempotencyStore } from './idempotency-store.ts';

/** Lambda entry: the shared handler wired to AWS once per container, with idempotency records in the table. */
export const handler = createHandler({
  ...(await awsApiDeps()),
  idempotencyStore: createIdempotencyStore(dynamodb, env('TABLE_NAME')),
});
