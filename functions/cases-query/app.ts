import { type ApiDeps, createApiHandler } from '../../shared/http/api-handler.ts';
import { queryRoutes } from './routes.ts';

/** The cases-query function for any runtime: Lambda passes AWS adapters, the local gateway its own. */
export const createHandler = (deps: ApiDeps) => createApiHandler(queryRoutes, deps);
