import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { NotFoundError } from '../../shared/app/errors.ts';
import {
  deleteWebhook,
  listWebhooks,
  readWebhook,
  registerWebhook,
  resumeWebhook,
  type WebhookAdminDeps,
} from '../../shared/app/webhooks.ts';
import { CASE_ID_PATTERN } from '../../shared/domain/case.ts';
import { type ApiDeps, json, type Route } from '../../shared/http/api-handler.ts';
import { jsonBody } from '../../shared/http/request.ts';
import { RegisterWebhookSchema } from '../../shared/http/schemas.ts';

/** Leads manage webhooks (docs/integrations.md#webhooks); every route refuses anyone else with a 403. */
export type WebhookDeps = ApiDeps & WebhookAdminDeps;

function webhookIdParam(event: APIGatewayProxyEventV2): string {
  const id = event.pathParameters?.id ?? '';
  if (!CASE_ID_PATTERN.test(id)) throw new NotFoundError(`no webhook ${id.slice(0, 64)}`);
  return id;
}

export const webhookRoutes: Record<string, Route<WebhookDeps>> = {
  'POST /webhooks': async ({ event, actor, deps }) => {
    const registered = await registerWebhook(deps, actor, jsonBody(event, RegisterWebhookSchema));
    return json(201, registered, { 'cache-control': 'no-store', location: `/webhooks/${registered.id}` });
  },
  'GET /webhooks': async ({ actor, deps }) => json(200, { items: await listWebhooks(deps, actor) }),
  'GET /webhooks/{id}': async ({ event, actor, deps }) =>
    json(200, await readWebhook(deps, actor, webhookIdParam(event))),
  'DELETE /webhooks/{id}': async ({ event, actor, deps }) => {
    await deleteWebhook(deps, actor, webhookIdParam(event));
    return { statusCode: 204, headers: {}, body: '' };
  },
  'POST /webhooks/{id}/resume': async ({ event, actor, deps }) =>
    json(200, await resumeWebhook(deps, actor, webhookIdParam(event))),
};
