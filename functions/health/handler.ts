import type { APIGatewayProxyResultV2 } from 'aws-lambda';

/** Liveness probe: proves the bundle loads and the runtime answers, without touching any dependency. */
export const handler = async (): Promise<APIGatewayProxyResultV2> => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ status: 'ok' }),
});
