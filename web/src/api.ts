import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { components, paths } from '../../openapi/schema.d.ts';

/** The API's own types, from the document it serves: nothing here is written by hand. */
export type Case = components['schemas']['Case'];
export type TimelineEvent = components['schemas']['TimelineEvent'];
/**
 * A problem as the portal shows it: one the API answered (its `type` one of casewatch's problem types),
 * or one the portal makes itself for an answer that is not problem+json (`about:blank`, as RFC 9457 has it).
 */
export type Problem = Omit<components['schemas']['Problem'], 'type'> & {
  type: components['schemas']['Problem']['type'] | 'about:blank';
};
export type Meeting = components['schemas']['Meeting'];
export type MeetingLinkView = components['schemas']['MeetingLinkView'];
export type NewSellerCase = components['schemas']['NewSellerCase'];
export type NewConsumerCase = components['schemas']['NewConsumerCase'];
export type CaseStatus = Case['status'];
export type Level = Case['severity']['level'];
export type Qualifications = NonNullable<NewSellerCase['qualifications']>;
export type Api = Client<paths>;

/** Who is asking: a signed-in person's ID token, or a buyer's case token (from the case link). */
export type Credential = { bearer: string } | { caseToken: string } | null;

export function credentialHeaders(credential: Credential): Record<string, string> {
  if (!credential) return {};
  return 'bearer' in credential
    ? { authorization: `Bearer ${credential.bearer}` }
    : { 'x-case-token': credential.caseToken };
}

/**
 * How far the server's clock is from this browser's, from each answer's `Date` header: countdowns count
 * to the server's deadlines on the server's time (locally that may be a manual clock).
 */
let serverOffsetMs = 0;
export const serverNow = (): number => Date.now() + serverOffsetMs;

const portalMiddleware: Middleware = {
  onRequest({ request }) {
    // Every write from the portal says so, and lands on the timeline as channel `portal`.
    if (request.method !== 'GET') request.headers.set('x-casewatch-channel', 'portal');
    return request;
  },
  onResponse({ response }) {
    const date = Date.parse(response.headers.get('date') ?? '');
    if (!Number.isNaN(date)) serverOffsetMs = date - Date.now();
    return response;
  },
};

export function createApi(apiBase: string): Api {
  const client = createClient<paths>({ baseUrl: apiBase });
  client.use(portalMiddleware);
  return client;
}

/** The problem an error answer carries, or a plain one for an answer that is not problem+json. */
export function problemOf(error: unknown, response: Response): Problem {
  if (typeof error === 'object' && error !== null && 'status' in error && 'title' in error)
    return error as Problem;
  const message =
    typeof error === 'object' && error !== null && 'message' in error
      ? String((error as { message: unknown }).message)
      : response.statusText;
  return { type: 'about:blank', title: message || 'Error', status: response.status, detail: message };
}

/** A 400's field errors by field path (`requester.email`), for showing next to their fields. */
export function fieldErrors(problem: Problem | null): Record<string, string> {
  const byField: Record<string, string> = {};
  for (const e of problem?.errors ?? []) byField[e.field] ??= e.message;
  return byField;
}
