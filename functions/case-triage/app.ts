import { createApiHandler } from '../../shared/http/api-handler.ts';
import { type TriageDeps, triageRoutes } from './routes.ts';

/** The case-triage function for any runtime: Lambda passes AWS adapters, the local gateway its own. */
export const createHandler = (deps: TriageDeps) => createApiHandler(triageRoutes, deps);
