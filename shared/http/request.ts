import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type * as z from 'zod';
import { type FieldError, NotFoundError, ValidationError } from '../app/errors.ts';
import { CASE_ID_PATTERN, CASE_NUMBER_PATTERN, type Channel } from '../domain/case.ts';
import { ChannelHeaderSchema, IdempotencyKeySchema } from './schemas.ts';

/** Largest body accepted (JSON, or the survey form); cases and messages are text, attachments go to the blob store. */
const MAX_BODY_BYTES = 256 * 1024;

export function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(event.headers ?? {})) if (k.toLowerCase() === wanted) return v;
  return undefined;
}

/**
 * One entry per invalid field, by its dotted path. A key the schema does not know is reported under its
 * own name (zod reports it on the object that holds it), so a client sees which field to drop.
 */
export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys')
      return issue.keys.map((key) => ({ field: [...path, key].join('.'), message: 'unknown field' }));
    return [{ field: path.join('.'), message: issue.message }];
  });
}

/** The body as text: API Gateway hands binary media types over base64-encoded. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The body as text, without a byte-order mark; bytes that are not UTF-8 are a 400, never quietly replaced. */
export function bodyText(event: APIGatewayProxyEventV2): string {
  if (!event.body) return '';
  // A leading byte-order mark is read past, as the UTF-8 decoder does for a base64 body.
  if (!event.isBase64Encoded) return event.body.replace(/^\ufeff/, '');
  try {
    return UTF8.decode(Buffer.from(event.body, 'base64'));
  } catch {
    throw new ValidationError('the body is not UTF-8 text', [{ field: '', message: 'not UTF-8' }]);
  }
}

/** A body over `MAX_BODY_BYTES` is a 400 in every encoding the API reads. */
export function assertBodySize(raw: string): void {
  if (Buffer.byteLength(raw) > MAX_BODY_BYTES) {
    throw new ValidationError(`the body is larger than ${MAX_BODY_BYTES} bytes`, [
      { field: '', message: 'too large' },
    ]);
  }
}

function parseWith<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(`the ${what} is not valid`, fieldErrors(result.error));
  return result.data;
}

/** The JSON body, validated; malformed JSON, a wrong media type or an oversized body are 4xx, never 5xx. */
export function jsonBody<S extends z.ZodType>(
  event: APIGatewayProxyEventV2,
  schema: S,
  optional = false,
): z.infer<S> {
  const contentType = header(event, 'content-type');
  const raw = bodyText(event);
  if (raw.trim() === '') {
    if (optional) return parseWith(schema, {}, 'body');
    throw new ValidationError('a JSON body is required', [{ field: '', message: 'required' }]);
  }
  if (contentType !== undefined && !/^application\/([\w.+-]*\+)?json\b/i.test(contentType)) {
    throw new ValidationError(`send application/json, not ${contentType}`, [
      { field: '', message: 'expected JSON' },
    ]);
  }
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1];
  // US-ASCII is UTF-8's first 128 characters: a client saying so sends UTF-8 too.
  if (charset !== undefined && !/^(utf-?8|us-ascii|ascii)$/i.test(charset)) {
    throw new ValidationError(`send JSON as UTF-8, not ${charset}`, [
      { field: '', message: 'expected UTF-8' },
    ]);
  }
  assertBodySize(raw);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (e) {
    throw new ValidationError(`the body is not valid JSON: ${(e as Error).message}`, [
      { field: '', message: 'malformed JSON' },
    ]);
  }
  return parseWith(schema, parsed, 'body');
}

export function queryParams<S extends z.ZodType>(event: APIGatewayProxyEventV2, schema: S): z.infer<S> {
  return parseWith(schema, event.queryStringParameters ?? {}, 'query');
}

/** The `{id}` path parameter; an id casewatch could never have issued is simply not found. */
export function caseIdParam(event: APIGatewayProxyEventV2): string {
  const id = event.pathParameters?.id ?? '';
  if (!CASE_ID_PATTERN.test(id)) throw new NotFoundError(`no case ${id.slice(0, 64)}`);
  return id;
}

/** The `{attachmentId}` path parameter: ids are ULIDs like case ids; anything else is simply not found. */
export function attachmentIdParam(event: APIGatewayProxyEventV2): string {
  const id = event.pathParameters?.attachmentId ?? '';
  if (!CASE_ID_PATTERN.test(id)) throw new NotFoundError(`no attachment ${id.slice(0, 64)}`);
  return id;
}

export function meetingIdParam(event: APIGatewayProxyEventV2): string {
  const id = event.pathParameters?.meetingId ?? '';
  if (!CASE_ID_PATTERN.test(id)) throw new NotFoundError(`no meeting ${id.slice(0, 64)}`);
  return id;
}

/**
 * How a request arrived: the portal says so (`X-Casewatch-Channel: portal`); no header is the API, and a
 * value that is neither is a 400. It only labels the timeline, so a client claiming it gains nothing.
 */
export function channelOf(event: APIGatewayProxyEventV2): Channel {
  const value = header(event, 'x-casewatch-channel');
  if (value === undefined) return 'api';
  const channel = ChannelHeaderSchema.safeParse(value.trim().toLowerCase());
  if (!channel.success)
    throw new ValidationError('X-Casewatch-Channel is `portal` or `api`', [
      { field: 'X-Casewatch-Channel', message: 'invalid' },
    ]);
  return channel.data;
}

/** `Idempotency-Key`: absent → undefined; empty or longer than 255 characters is a 400. */
export function idempotencyKey(event: APIGatewayProxyEventV2): string | undefined {
  const value = header(event, 'idempotency-key');
  if (value === undefined) return undefined;
  if (!IdempotencyKeySchema.safeParse(value).success)
    throw new ValidationError('Idempotency-Key must be 1 to 255 characters', [
      { field: 'Idempotency-Key', message: 'invalid' },
    ]);
  return value;
}

/** A case as the client names it: by its id, or (to read it) by its number, `CW-…` in any letter case. */
export type CaseRef = { id: string } | { number: string };

/** The `{id}` path parameter of a read: the case id or the case number; anything else is not found. */
export function caseRefParam(event: APIGatewayProxyEventV2): CaseRef {
  const raw = event.pathParameters?.id ?? '';
  if (CASE_NUMBER_PATTERN.test(raw.toUpperCase())) return { number: raw.toUpperCase() };
  return { id: caseIdParam(event) };
}

/** `If-Match: "3"` (or W/"3", or 3) → 3; absent → undefined; anything else is a 400. */
export function ifMatchVersion(event: APIGatewayProxyEventV2): number | undefined {
  const value = header(event, 'if-match');
  if (value === undefined) return undefined;
  const m = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(value);
  if (!m)
    throw new ValidationError('If-Match must be the case version as an ETag, e.g. "3"', [
      { field: 'If-Match', message: 'invalid' },
    ]);
  return Number(m[1]);
}

/**
 * Whether the caller would rather have HTML than JSON: `text/html` (or XHTML) ranked above every range
 * JSON satisfies. No `Accept`, a wildcard, `application/json` or a tie all keep the JSON API's answer.
 */
export function prefersHtml(event: APIGatewayProxyEventV2): boolean {
  const accept = header(event, 'accept');
  if (!accept) return false;
  let html = 0;
  let json = 0;
  for (const part of accept.split(',')) {
    const [range = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const qParam = params.find((p) => /^q\s*=/.test(p));
    const q = qParam === undefined ? 1 : Number(qParam.replace(/^q\s*=\s*/, ''));
    if (!Number.isFinite(q) || q <= 0 || q > 1) continue;
    if (range === 'text/html' || range === 'application/xhtml+xml') html = Math.max(html, q);
    else if (/^(\*\/\*|application\/\*|application\/([\w.+-]*\+)?json)$/.test(range))
      json = Math.max(json, q);
  }
  return html > json;
}
