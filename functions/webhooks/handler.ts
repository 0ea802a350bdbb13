import { createDynamoWebhookStore } from '../../shared/adapters/dynamodb/webhook-store.ts';
import { deriveKey } from '../../shared/adapters/secret-keys.ts';
import { systemClock } from '../../shared/adapters/system-clock.ts';
import { createUlidIds } from '../../shared/adapters/ulid-ids.ts';
import { createWebhookSecrets } from '../../shared/adapters/webhooks/signing.ts';
import { systemResolver } from '../../shared/adapters/webhooks/transport.ts';
import { awsApiDeps, documents, env, signingSecret } from '../aws-composition.ts';
import { createHandler } from './app.ts';

/** Lambda entry: leads' webhook routes, wired to AWS once per container. */
const api = await awsApiDeps();
export const handler = createHandler({
  ...api,
  webhooks: createDynamoWebhookStore({ client: documents, tableName: env('TABLE_NAME') }),
  secrets: createWebhookSecrets(deriveKey(await signingSecret(), 'webhook')),
  resolver: systemResolver,
  urlPolicy: { allowLoopbackHttp: false },
  ids: createUlidIds(systemClock),
});
