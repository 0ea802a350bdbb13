import { type ApiDeps, createApiHandler } from '../../shared/http/api-handler.ts';
import { queryRoutes } from './routes.ts';

/** What reading cases needs beyond every API function's deps: where the leads' dashboard is (null locally). */
export type QueryDeps = ApiDeps & { dashboardUrl: string | null };

/** The cases-query function for any runtime: Lambda passes AWS adapters, the local gateway its own. */
export const createHandler = (deps: QueryDeps) => createApiHandler(queryRoutes, deps);
