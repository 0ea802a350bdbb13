import { type ApiDeps, createApiHandler } from '../../shared/http/api-handler.ts';
import { intakeRoutes } from './routes.ts';

/** The cases-intake function for any runtime: Lambda passes AWS adapters, the local gateway its own. */
export const createHandler = (deps: ApiDeps) => createApiHandler(intakeRoutes, deps, { idempotent: true });
