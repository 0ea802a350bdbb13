import { type ApiDeps, createApiHandler } from '../../shared/http/api-handler.ts';
import { triageRoutes } from './routes.ts';

/** The case-triage function for any runtime: Lambda passes AWS adapters, the local gateway its own. */
export const createHandler = (deps: ApiDeps) => createApiHandler(triageRoutes, deps);
