import * as z from 'zod';
import {
  createDocument,
  type ZodOpenApiOperationObject,
  type ZodOpenApiOverride,
  type ZodOpenApiPathsObject,
  type ZodOpenApiResponseObject,
} from 'zod-openapi';
import { CaseEventDetailSchema } from '../domain/case-events.ts';
import { EVENT_TYPES } from '../domain/timeline.ts';
import { DELIVERY_POLICY } from '../domain/webhook.ts';
import { type Credential, type ErrorStatus, OPERATIONS, type Operation } from './api-contract.ts';
import { GatewayMessageSchema, ProblemSchema } from './responses.ts';
import { ROUTES, type RouteDefinition } from './routes.ts';

/** "after 1 and 5 minutes": the retries `DELIVERY_POLICY` makes, in words. */
const RETRIES_IN_WORDS = `after ${DELIVERY_POLICY.retryDelaysSeconds.map((s) => s / 60).join(' and ')} minutes`;

/** The headers of every webhook delivery (shared/app/webhooks.ts sends them). */
const DELIVERY_HEADERS = z.object({
  'Casewatch-Signature': z.string().meta({
    description: `\`t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the webhook’s secret>\`; refuse a \`t\` more than ${DELIVERY_POLICY.toleranceSeconds} s away`,
    example: 't=1796570490,v1=5d41402abc4b2a76b9719d911017c592…',
  }),
  'Casewatch-Event-Id': z
    .string()
    .meta({ description: 'the event’s id, the same on every retry: drop what you have seen' }),
  'Casewatch-Event-Type': z.enum(EVENT_TYPES).meta({ description: 'the event’s type, as `detail.type`' }),
  'Casewatch-Delivery-Attempt': z
    .string()
    .regex(new RegExp(`^[1-${DELIVERY_POLICY.maxAttempts}]$`))
    .meta({ description: `1 for the first try, then each retry (${RETRIES_IN_WORDS})` }),
});

/*
 * The OpenAPI 3.1 document, generated from the route table and the API contract (the zod schemas the
 * handlers use), never written by hand. `scripts/openapi.ts` writes it to `openapi/openapi.json`,
 * which the API serves at `/openapi.json` and from which the typed client is generated.
 */

/**
 * Real answers of the local runtime, by operation id and status (`openapi/examples.json`), and the
 * requests that succeeded, keyed `request:<kind>` (`request:seller`, `request:consumer`, `request:example`).
 */
export type ResponseExamples = Record<string, Record<string, unknown>>;

const PROBLEM = 'application/problem+json';
const JSON_TYPE = 'application/json';

const SECURITY_SCHEMES = {
  cognito: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'A Cognito **ID token** of the user pool (groups `agents`, `leads`, `sellers`; sellers carry `custom:sellerId`). Locally: `POST /_local/tokens`. An access token carries no email and is refused.',
  },
  caseToken: {
    type: 'apiKey',
    in: 'header',
    name: 'X-Case-Token',
    description:
      'A buyer without an account: the `caseToken` `POST /cases` answered (or a follow-up case’s). It opens that one case and does not expire.',
  },
} as const;

const TAGS = [
  { name: 'Cases', description: 'Opening, reading, listing and moving cases.' },
  { name: 'Timeline', description: 'What happened on a case, and messages.' },
  { name: 'Triage', description: 'Staff decisions: severity, assignee, workaround.' },
  {
    name: 'Requesters',
    description:
      'What the person a case is for asks: escalations, and files (which staff attach and fetch too).',
  },
  {
    name: 'Surveys',
    description: 'The end-of-case survey: behind a mailed link, or answered by the requester in the portal.',
  },
  {
    name: 'Meetings',
    description:
      'Conference calls and live meetings on a case: staff propose slots inside support hours, the requester picks one (by the mailed link or in the portal), both get a calendar invitation and a reminder.',
  },
  { name: 'Leads', description: 'The figures support leads watch beside the dashboard.' },
  {
    name: 'Webhooks',
    description:
      'Every case event, posted to the URLs leads register: signed with each webhook’s own secret, retried, paused after repeated failure (docs/integrations.md).',
  },
  { name: 'Documentation', description: 'This document and its reference page.' },
];

const RetryAfter = z.object({
  'Retry-After': z
    .string()
    .optional()
    .meta({ description: 'seconds to wait before retrying, when waiting is the answer', example: '1' }),
});

const CurrentVersion = z.object({
  ETag: z.string().optional().meta({
    description: 'the version the case is at now (when known): read it again, or retry with this `If-Match`',
    example: '"6"',
  }),
});

const HTML_PAGE = z.string().meta({ description: 'the same answer as a page, for a browser' });

function security(credentials: readonly Credential[]): Record<string, string[]>[] {
  return credentials.map((c) => (c === 'anonymous' ? {} : { [c]: [] }));
}

function problemAnswer(description: string, example: unknown): ZodOpenApiResponseObject {
  return {
    description,
    content: { [PROBLEM]: { schema: ProblemSchema, ...(example === undefined ? {} : { example }) } },
  };
}

function errorResponses(route: RouteDefinition, op: Operation, examples: Record<string, unknown>) {
  const responses: Record<string, ZodOpenApiResponseObject> = {};
  for (const [code, description] of Object.entries(op.errors) as [string, string][]) {
    const status = Number(code) as ErrorStatus;
    // API Gateway's JWT authorizer answers a missing or bad token itself, before any function runs.
    if (status === 401 && route.auth === 'jwt') {
      responses[code] = {
        description,
        content: { [JSON_TYPE]: { schema: GatewayMessageSchema, example: { message: 'Unauthorized' } } },
      };
      continue;
    }
    const answer = problemAnswer(description, examples[code]);
    if (op.htmlErrors) answer.content = { ...answer.content, 'text/html': { schema: HTML_PAGE } };
    const headers = status === 409 ? RetryAfter : status === 412 ? CurrentVersion : undefined;
    responses[code] = { ...answer, ...(headers ? { headers } : {}) };
  }
  responses['413'] = {
    description: 'a body over 10 MiB, refused by API Gateway (a JSON body over 256 KiB is a 400)',
    content: {
      [JSON_TYPE]: { schema: GatewayMessageSchema, example: { message: 'Request Entity Too Large' } },
    },
  };
  responses['500'] = {
    description:
      'a fault of ours (logged): problem+json from casewatch, or API Gateway’s own body if a function crashed',
    content: {
      [PROBLEM]: { schema: ProblemSchema },
      [JSON_TYPE]: { schema: GatewayMessageSchema, example: { message: 'Internal Server Error' } },
    },
  };
  return responses;
}

const REQUEST = 'request:';

function requestExamples(own: Record<string, unknown>): { examples?: Record<string, { value: unknown }> } {
  const named = Object.entries(own).filter(([key]) => key.startsWith(REQUEST));
  if (named.length === 0) return {};
  return {
    examples: Object.fromEntries(named.map(([key, value]) => [key.slice(REQUEST.length), { value }])),
  };
}

function operation(
  route: RouteDefinition,
  op: Operation,
  examples: ResponseExamples,
): ZodOpenApiOperationObject {
  const own = examples[op.operationId] ?? {};
  const success = op.success;
  const content: Record<string, { schema: z.ZodType; example?: unknown }> = {};
  if (success.schema) {
    const example = own[String(success.status)];
    content[JSON_TYPE] = { schema: success.schema, ...(example === undefined ? {} : { example }) };
  }
  for (const [type, schema] of Object.entries(success.alternatives ?? {})) content[type] = { schema };
  return {
    operationId: op.operationId,
    summary: op.summary,
    description: op.description,
    tags: [op.tag],
    security: security(op.credentials),
    requestParams: {
      ...(op.path ? { path: op.path } : {}),
      ...(op.query ? { query: op.query } : {}),
      ...(op.headers ? { header: op.headers } : {}),
    },
    ...(op.body
      ? {
          requestBody: {
            required: op.body.required !== false,
            content: {
              [JSON_TYPE]: { schema: op.body.schema, ...requestExamples(own) },
              ...(op.body.form ? { 'application/x-www-form-urlencoded': { schema: op.body.form } } : {}),
            },
          },
        }
      : {}),
    responses: {
      [String(success.status)]: {
        description: success.description,
        // A 204 has no body, so no media type.
        ...(Object.keys(content).length > 0 ? { content } : {}),
        ...(success.headers ? { headers: success.headers } : {}),
      },
      ...errorResponses(route, op, own),
    },
  };
}

/**
 * A union told apart by a property (the timeline's events by `type`) says so, with each value's
 * component, so generated clients narrow on it.
 */
const discriminate: ZodOpenApiOverride = ({ jsonSchema, zodSchema }) => {
  const def = zodSchema._zod.def as { type: string; discriminator?: string; options?: z.ZodObject[] };
  if (def.type !== 'union' || !def.discriminator || !def.options || !jsonSchema.oneOf) return;
  const mapping: Record<string, string> = {};
  for (const option of def.options) {
    const id = z.globalRegistry.get(option)?.id;
    const value = (option.shape[def.discriminator] as z.ZodLiteral | undefined)?.value;
    if (id && typeof value === 'string') mapping[value] = `#/components/schemas/${id}`;
  }
  // Only when every option is a named component: a discriminator cannot select an inline schema.
  if (Object.keys(mapping).length === def.options.length)
    jsonSchema.discriminator = { propertyName: def.discriminator, mapping };
};

/** The whole document; `examples` are real answers to show beside the schemas. */
export function buildOpenApiDocument(examples: ResponseExamples = {}): ReturnType<typeof createDocument> {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of ROUTES) {
    const op = OPERATIONS[route.routeKey];
    if (!op) throw new Error(`the API contract does not describe ${route.routeKey}`);
    paths[route.path] = {
      ...paths[route.path],
      [route.method.toLowerCase()]: operation(route, op, examples),
    };
  }
  return createDocument(
    {
      openapi: '3.1.0',
      info: {
        title: 'casewatch API',
        version: '1.0.0',
        summary: 'Support cases with service levels kept to the minute.',
        description:
          'Cases come in over this API and by email; every promise of the support policy is kept by one-shot timers. Conventions (authentication, errors, versions, idempotency, pages): see docs/api.md in the repository; every answer below is a real answer of the local runtime.',
        license: { name: 'Proprietary', identifier: 'LicenseRef-casewatch' },
        contact: { name: 'casewatch support engineering' },
      },
      // Relative: the API that serves this document (locally http://localhost:3000; in AWS the HTTP API's
      // URL, or the portal's /api).
      servers: [{ url: '/', description: 'the API this document is served by' }],
      tags: TAGS,
      components: { securitySchemes: SECURITY_SCHEMES },
      paths,
      // What casewatch posts to a registered webhook (the same `detail` the event bus carries).
      webhooks: {
        caseEvent: {
          post: {
            operationId: 'caseEventDelivery',
            summary: 'A case event, posted to a webhook',
            description: `One timeline event and the case after it, posted to every webhook that wants it, at least once: verify \`Casewatch-Signature\` over the raw body and drop an event id you have seen. Answer 2xx within ${DELIVERY_POLICY.timeoutMs / 1000} s; anything else (or no answer) is retried ${RETRIES_IN_WORDS}, then the webhook pauses and the leads are mailed.`,
            tags: ['Webhooks'],
            // casewatch calls the receiver; the signature header, not an API credential, is its proof.
            security: [],
            requestParams: { header: DELIVERY_HEADERS },
            requestBody: { required: true, content: { [JSON_TYPE]: { schema: CaseEventDetailSchema } } },
            responses: {
              '200': { description: 'received (any 2xx will do)' },
              default: {
                description: `not received: retried ${RETRIES_IN_WORDS}, then the webhook pauses`,
              },
            },
          },
        },
      },
    },
    { override: discriminate },
  );
}
