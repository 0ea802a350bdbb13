import { type ApiDeps, createApiHandler } from '../../shared/http/api-handler.ts';
import { requestRoutes } from './routes.ts';

/** The case-requests function for any runtime: Lambda passes AWS adapters, the local gateway its own. */
export const createHandler = (deps: ApiDeps) => createApiHandler(requestRoutes, deps);
