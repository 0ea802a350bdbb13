import { dashboardConsoleUrl } from '../../shared/adapters/cloudwatch/dashboard-url.ts';
import { awsApiDeps, env } from '../aws-composition.ts';
import { createHandler } from './app.ts';

/** Lambda entry: the shared handler wired to AWS once per container, and where the leads' dashboard is. */
export const handler = createHandler({
  ...(await awsApiDeps()),
  dashboardUrl: dashboardConsoleUrl(env('DASHBOARD_REGION'), env('DASHBOARD_NAME')),
});
