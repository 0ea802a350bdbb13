import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ApiDeps, createApiHandler, throughPublicAddress } from '../../../shared/http/api-handler.ts';
import { ORIGIN_HEADER } from '../../../shared/http/routes.ts';

const TOKEN = 'originTokenFromTheDistribution0123456789abcdefgh';
const PREVIOUS = 'theGenerationBeforeStillTakenWhileItChangesOver01';
const context = {
  functionName: 'casewatch-test',
  awsRequestId: 'r',
  getRemainingTimeInMillis: () => 1000,
} as unknown as Context;

/** A handler whose one route answers 200; the deps the origin check and the public route touch. */
function handler(originTokens: string[] | undefined) {
  const calls: string[] = [];
  const deps = { originTokens } as unknown as ApiDeps;
  const h = createApiHandler(
    {
      'GET /openapi.json': async ({ event }) => {
        calls.push(event.rawPath);
        return { statusCode: 200, body: '{}' };
      },
    },
    deps,
  );
  const call = (headers: Record<string, string>) =>
    h(
      {
        routeKey: 'GET /openapi.json',
        rawPath: '/openapi.json',
        headers,
        requestContext: { http: { method: 'GET', path: '/openapi.json' } },
      } as unknown as APIGatewayProxyEventV2,
      context,
    ) as Promise<{ statusCode: number; headers?: Record<string, string>; body?: string }>;
  return { call, calls };
}

describe('only requests through the public address reach a route', () => {
  it('with the token the distribution sends, the route answers', async () => {
    const { call, calls } = handler([TOKEN]);
    expect((await call({ [ORIGIN_HEADER]: TOKEN })).statusCode).toBe(200);
    expect(calls).toEqual(['/openapi.json']);
  });

  it('straight to API Gateway’s URL (no header, or any other value) is a 403 problem, and no route runs', async () => {
    const { call, calls } = handler([TOKEN]);
    const attempts: Record<string, string>[] = [
      {},
      { [ORIGIN_HEADER]: '' },
      { [ORIGIN_HEADER]: `${TOKEN}x` },
      { other: TOKEN },
    ];
    for (const headers of attempts) {
      const answer = await call(headers);
      expect(answer.statusCode).toBe(403);
      expect(answer.headers?.['content-type']).toBe('application/problem+json');
      expect(JSON.parse(answer.body ?? '{}')).toMatchObject({ status: 403, title: 'Not allowed' });
    }
    expect(calls).toEqual([]);
  });

  it('while the token changes over, the one before is taken too, and nothing else', async () => {
    const { call } = handler([TOKEN, PREVIOUS]);
    expect((await call({ [ORIGIN_HEADER]: TOKEN })).statusCode).toBe(200);
    expect((await call({ [ORIGIN_HEADER]: PREVIOUS })).statusCode).toBe(200);
    expect((await call({ [ORIGIN_HEADER]: `${PREVIOUS}${TOKEN}` })).statusCode).toBe(403);
  });

  it('without a token (the local runtime, where nothing stands in front), nothing is checked', async () => {
    const { call } = handler(undefined);
    expect((await call({})).statusCode).toBe(200);
  });

  it('property: only the exact token passes', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (sent) => {
        const event = { headers: { [ORIGIN_HEADER]: sent } } as unknown as APIGatewayProxyEventV2;
        expect(throughPublicAddress(event, [TOKEN])).toBe(sent === TOKEN);
        expect(throughPublicAddress(event, [TOKEN, PREVIOUS])).toBe(sent === TOKEN || sent === PREVIOUS);
      }),
    );
  });
});
