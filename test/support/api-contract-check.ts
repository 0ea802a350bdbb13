import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { ARTIFACTS } from '../../openapi/generate.ts';
import { ROUTES } from '../../shared/http/routes.ts';

type Responses = Record<
  string,
  { content?: Record<string, { schema: unknown }>; headers?: Record<string, unknown> }
>;
interface Document {
  paths: Record<string, Record<string, { responses: Responses }>>;
}

const document = JSON.parse(readFileSync(ARTIFACTS.document, 'utf8')) as Document;
// OpenAPI's own keywords (example, discriminator, deprecated…) are annotations to a JSON Schema validator.
const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
addFormats.default(ajv);
ajv.addSchema(document, 'openapi');

const routes = ROUTES.map((route) => ({
  route,
  pattern: new RegExp(`^${route.path.replace(/\{\w+\}/g, '[^/]+')}$`),
}));

const pointer = (...parts: string[]) =>
  parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
const validators = new Map<string, ValidateFunction>();

/** Headers a client acts on: each one an answer carries must be documented for it, and the other way round. */
const MEANINGFUL_HEADERS = ['etag', 'location'];

function headerViolation(routeKey: string, status: number, response: Responses[string], headers: Headers) {
  const documented = new Set(Object.keys(response.headers ?? {}).map((h) => h.toLowerCase()));
  for (const name of MEANINGFUL_HEADERS) {
    const sent = headers.get(name) !== null;
    if (sent && !documented.has(name))
      return `${routeKey} ${status} sent ${name}, which the document does not list`;
    // A success always sends what it documents; an error only when it knows it (a 412's current version).
    if (!sent && documented.has(name) && status < 300)
      return `${routeKey} ${status} lacks the documented ${name}`;
  }
  return null;
}

/**
 * Checks one answer of the API against the document: its route, its status and media type must be
 * documented, and a JSON body must match the schema given for them; given the headers, the ones a client
 * acts on (`ETag`, `Location`) must be those documented. Answers of API Gateway itself to
 * paths it has no route for (`{"message":"Not Found"}`) and the local runtime's own `/_local` routes
 * are not the API's. Returns what is wrong, or null.
 */
export function contractViolation(
  method: string,
  path: string,
  status: number,
  contentType: string | null,
  body: unknown,
  headers?: Headers,
): string | null {
  if (path.startsWith('/_local/')) return null;
  const match = routes.find((r) => r.route.method === method.toUpperCase() && r.pattern.test(path));
  if (!match) {
    const gateway = status === 404 && JSON.stringify(body) === '{"message":"Not Found"}';
    return gateway ? null : `${method} ${path} is not a documented route`;
  }
  const { route } = match;
  const response = document.paths[route.path]?.[route.method.toLowerCase()]?.responses[String(status)];
  if (!response) return `${route.routeKey} answered ${status}, which the document does not list`;
  const wrongHeader = headers ? headerViolation(route.routeKey, status, response, headers) : null;
  if (wrongHeader) return wrongHeader;
  const mediaType = (contentType ?? '').split(';')[0]?.trim() ?? '';
  const media = response.content?.[mediaType];
  if (!media) {
    if (!response.content && !body) return null;
    return `${route.routeKey} ${status} answered ${mediaType || 'no content type'}, which the document does not list`;
  }
  if (!mediaType.endsWith('json')) return null;
  const ref = `openapi#/${pointer('paths', route.path, route.method.toLowerCase(), 'responses', String(status), 'content', mediaType, 'schema')}`;
  let validate = validators.get(ref);
  if (!validate) {
    validate = ajv.getSchema(ref);
    if (!validate) return `no schema at ${ref}`;
    validators.set(ref, validate);
  }
  if (validate(body)) return null;
  return `${route.routeKey} ${status}: ${ajv.errorsText(validate.errors, { dataVar: 'body' })}`;
}
