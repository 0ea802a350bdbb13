/**
 * Every route of the HTTPS API (docs/api.md#routes-and-route-groups), read by both the CDK stack and the
 * local gateway so they cannot drift. A route group is one Lambda function.
 *
 * `auth: 'jwt'` routes sit behind the API Gateway JWT authorizer (staff and sellers only).
 * `auth: 'mixed'` routes also serve consumers, who hold a case token instead of a JWT; API Gateway lets
 * them through and the handler verifies whichever credential came (a JWT against the user pool's keys,
 * or the case token).
 * `credential: 'path'` routes (survey links, docs/survey.md#the-link-token) are `mixed` at API Gateway,
 * but the token in the path is the only credential: the handler reads no JWT or case token from the
 * headers, so a stale session in the browser cannot stand in the way of an answer.
 * `auth: 'public'` routes (the API document and its reference page) take no credential at all.
 */
export const ROUTE_GROUPS = [
  'cases-intake',
  'cases-query',
  'case-requests',
  'case-triage',
  'webhooks',
  'api-docs',
] as const;
export type RouteGroup = (typeof ROUTE_GROUPS)[number];

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RouteDefinition {
  method: HttpMethod;
  /** API Gateway path syntax: `{id}` is a path parameter. */
  path: string;
  group: RouteGroup;
  auth: 'jwt' | 'mixed' | 'public';
  /** Where the handler looks for the caller's credential: the headers (default), the path itself, nowhere. */
  credential: 'headers' | 'path' | 'none';
  /** The route key API Gateway puts in `routeKey`, e.g. `GET /cases/{id}`. */
  routeKey: string;
}

const route = (
  method: HttpMethod,
  path: string,
  group: RouteGroup,
  auth: RouteDefinition['auth'],
  credential: RouteDefinition['credential'] = 'headers',
): RouteDefinition => ({
  method,
  path,
  group,
  auth,
  credential,
  routeKey: `${method} ${path}`,
});

export const ROUTES: readonly RouteDefinition[] = [
  route('POST', '/cases', 'cases-intake', 'mixed'),
  route('GET', '/cases', 'cases-query', 'jwt'),
  route('GET', '/cases/{id}', 'cases-query', 'mixed'),
  route('GET', '/cases/{id}/events', 'cases-query', 'mixed'),
  route('GET', '/stats', 'cases-query', 'jwt'),
  route('POST', '/cases/{id}/messages', 'case-requests', 'mixed'),
  route('POST', '/cases/{id}/status', 'case-requests', 'mixed'),
  route('POST', '/cases/{id}/escalations', 'case-requests', 'mixed'),
  route('POST', '/cases/{id}/attachments', 'case-requests', 'mixed'),
  route('GET', '/cases/{id}/attachments/{attachmentId}', 'case-requests', 'mixed'),
  route('POST', '/cases/{id}/survey', 'case-requests', 'mixed'),
  route('GET', '/surveys/{token}', 'case-requests', 'mixed', 'path'),
  route('POST', '/surveys/{token}', 'case-requests', 'mixed', 'path'),
  route('POST', '/cases/{id}/meetings', 'case-requests', 'mixed'),
  route('POST', '/cases/{id}/meetings/{meetingId}/pick', 'case-requests', 'mixed'),
  route('POST', '/cases/{id}/meetings/{meetingId}/reschedule', 'case-requests', 'mixed'),
  route('POST', '/cases/{id}/meetings/{meetingId}/cancel', 'case-requests', 'mixed'),
  route('GET', '/meetings/{token}', 'case-requests', 'mixed', 'path'),
  route('POST', '/meetings/{token}', 'case-requests', 'mixed', 'path'),
  route('PUT', '/cases/{id}/severity', 'case-triage', 'jwt'),
  route('PUT', '/cases/{id}/assignee', 'case-triage', 'jwt'),
  route('POST', '/cases/{id}/workaround', 'case-triage', 'jwt'),
  route('POST', '/webhooks', 'webhooks', 'jwt'),
  route('GET', '/webhooks', 'webhooks', 'jwt'),
  route('GET', '/webhooks/{id}', 'webhooks', 'jwt'),
  route('DELETE', '/webhooks/{id}', 'webhooks', 'jwt'),
  route('POST', '/webhooks/{id}/resume', 'webhooks', 'jwt'),
  route('GET', '/openapi.json', 'api-docs', 'public', 'none'),
  route('GET', '/docs', 'api-docs', 'public', 'none'),
  route('GET', '/docs/{asset}', 'api-docs', 'public', 'none'),
];

/** The Lambda entry of each route group, relative to the repository root. */
export const ROUTE_GROUP_ENTRIES: Record<RouteGroup, string> = {
  'cases-intake': 'functions/cases-intake/handler.ts',
  'cases-query': 'functions/cases-query/handler.ts',
  'case-requests': 'functions/case-requests/handler.ts',
  'case-triage': 'functions/case-triage/handler.ts',
  webhooks: 'functions/webhooks/handler.ts',
  'api-docs': 'functions/api-docs/handler.ts',
};

/** JWT claims casewatch reads (Cognito ID/access token with a custom seller claim). */
export const CLAIMS = {
  groups: 'cognito:groups',
  email: 'email',
  sellerId: 'custom:sellerId',
} as const;

export const GROUPS = { sellers: 'sellers', agents: 'agents', leads: 'leads' } as const;

/**
 * The header the portal's distribution adds to every request it passes to the API, carrying the origin
 * token: the API refuses requests without it (docs/architecture.md#the-firewall). Lower case, as API
 * Gateway hands headers to the functions.
 */
export const ORIGIN_HEADER = 'x-casewatch-origin';
