import { systemResolver } from '../../shared/adapters/webhooks/transport.ts';
import { awsApiDeps, documents, env, signingSecret } from '../aws-composition.ts';
import { createWebhookStores } from '../webhook-composition.ts';
import { createHandler } from './app.ts';

/** Lambda entry: leads' webhook routes, wired to AWS once per container (the secret read once). */
export const handler = createHandler({
  ...(await awsApiDeps()),
  ...createWebhookStores({ documents, tableName: env('TABLE_NAME'), secret: await signingSecret() }),
  resolver: systemResolver,
  urlPolicy: { allowLoopbackHttp: false },
});
