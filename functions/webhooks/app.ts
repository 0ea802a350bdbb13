import { createApiHandler } from '../../shared/http/api-handler.ts';
import { type WebhookDeps, webhookRoutes } from './routes.ts';

/** The webhooks function for any runtime: Lambda passes AWS adapters, the local gateway its own. */
export const createHandler = (deps: WebhookDeps) => createApiHandler(webhookRoutes, deps);
