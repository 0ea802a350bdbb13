import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { logger } from '../../shared/adapters/powertools/observability.ts';
import { problem, problemResponse } from '../../shared/http/problem.ts';

export interface ApiDocsDeps {
  /** The OpenAPI document (generated from the code, `openapi/openapi.json`). */
  document: unknown;
  /** The reference page's renderer (Redoc's standalone bundle), read once and kept. */
  renderer: () => Promise<Buffer>;
}

/** The renderer's file name, the only asset the page loads. */
export const RENDERER_FILE = 'redoc.standalone.js';

/**
 * The page loads its renderer from this API and the document from beside it, both by relative URL, so
 * it works wherever the API is mounted (`/docs`, or `/api/docs` behind the portal). Redoc styles itself
 * with inline styles and searches in a worker it makes from a blob.
 */
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>casewatch API reference</title>
<link rel="icon" href="data:,">
</head>
<body>
<redoc spec-url="openapi.json" hide-hostname="true"></redoc>
<script src="docs/${RENDERER_FILE}"></script>
</body>
</html>
`;

const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self' blob:",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

const CACHE = { 'cache-control': 'public, max-age=300' };

/**
 * `GET /openapi.json`, `GET /docs` and the renderer: public, read-only, no credential and no table.
 * Lambda and the local runtime serve the same document file.
 */
export function createHandler(deps: ApiDocsDeps) {
  const document = JSON.stringify(deps.document);
  let renderer: Promise<Buffer> | undefined;
  const answer = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    switch (event.routeKey) {
      case 'GET /openapi.json':
        return { statusCode: 200, headers: { 'content-type': 'application/json', ...CACHE }, body: document };
      case 'GET /docs':
        return {
          statusCode: 200,
          headers: {
            'content-type': 'text/html; charset=utf-8',
            'content-security-policy': PAGE_CSP,
            'x-content-type-options': 'nosniff',
            ...CACHE,
          },
          body: PAGE,
        };
      case 'GET /docs/{asset}':
        if (event.pathParameters?.asset === RENDERER_FILE) {
          renderer ??= deps.renderer();
          return {
            statusCode: 200,
            headers: {
              'content-type': 'text/javascript; charset=utf-8',
              'x-content-type-options': 'nosniff',
              ...CACHE,
            },
            body: (await renderer).toString('base64'),
            isBase64Encoded: true,
          };
        }
        return problemResponse(problem(404, 'Not found', 'no such file'));
      default:
        return problemResponse(problem(404, 'Not found', `no route ${event.routeKey}`));
    }
  };
  return middy(answer).use(injectLambdaContext(logger));
}
