/**
 * The API's CORS contract, kept once: API Gateway answers preflights and decorates responses from it in
 * AWS (the CDK stack configures the HTTP API with it, which makes API Gateway ignore any CORS headers a
 * function would add), and the local gateway does the same from the same values. Origins are
 * deployment configuration (`casewatch:allowedOrigins`, `*` by default; `*` locally).
 */
export const CORS = {
  /**
   * What browsers may send: the bearer JWT, JSON, optimistic locking, idempotency, the case token, and
   * the channel a web client writes from.
   */
  allowHeaders: [
    'Authorization',
    'Content-Type',
    'If-Match',
    'Idempotency-Key',
    'X-Case-Token',
    'X-Casewatch-Channel',
  ],
  allowMethods: ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
  /** What browser code may read: the case version, where a new case lives, how long to wait on a busy case. */
  exposeHeaders: ['ETag', 'Location', 'Retry-After'],
  /** How long a browser may cache a preflight answer. */
  maxAgeSeconds: 3600,
} as const;

/** The CORS headers of an answer to a request from `origin` (none when the origin is not allowed). */
export function corsHeaders(
  allowedOrigins: readonly string[],
  origin: string | undefined,
  preflight: boolean,
): Record<string, string> {
  const any = allowedOrigins.includes('*');
  if (!any && (origin === undefined || !allowedOrigins.includes(origin))) return {};
  const headers: Record<string, string> = {
    'access-control-allow-origin': any ? '*' : (origin as string),
    'access-control-expose-headers': CORS.exposeHeaders.join(','),
  };
  if (!any) headers.vary = 'Origin';
  if (preflight) {
    headers['access-control-allow-methods'] = CORS.allowMethods.join(',');
    headers['access-control-allow-headers'] = CORS.allowHeaders.join(',');
    headers['access-control-max-age'] = String(CORS.maxAgeSeconds);
  }
  return headers;
}
