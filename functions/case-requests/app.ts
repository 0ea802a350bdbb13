import { createApiHandler } from '../../shared/http/api-handler.ts';
import { type RequestDeps, requestRoutes } from './routes.ts';

/** The case-requests function for any runtime: Lambda passes AWS adapters, the local gateway its own. */
export const createHandler = (deps: RequestDeps) => createApiHandler(requestRoutes, deps);
