import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flattenClaims } from '../../../local/gateway.ts';
import type { Actor } from '../../../shared/app/actor.ts';
import { groupsOf, resolveActor } from '../../../shared/http/auth.ts';
import type { JwtClaims } from '../../../shared/ports/identity-verifier.ts';

/** Cognito group names: letters, marks, symbols, digits, punctuation — never whitespace. */
const groupName = fc.stringMatching(/^[\p{L}\p{N}\p{P}\p{S}]{1,20}$/u);

const noCaseTokens = { issue: async () => '', verify: async () => null };

/** Who a route that API Gateway's authorizer guards sees, and who a route that verifies the JWT itself sees. */
async function bothRoutes(claims: JwtClaims): Promise<[Actor | string, Actor | string]> {
  const viaAuthorizer = resolveActor(
    { headers: {}, requestContext: { authorizer: { jwt: { claims: flattenClaims(claims) } } } } as never,
    { jwtVerifier: { verify: async () => null }, caseTokens: noCaseTokens },
  );
  const viaHandler = resolveActor(
    { headers: { authorization: 'Bearer t' } } as unknown as APIGatewayProxyEventV2,
    {
      jwtVerifier: { verify: async () => claims },
      caseTokens: noCaseTokens,
    },
  );
  const settle = (p: Promise<Actor>) => p.catch((error: Error) => error.message);
  return [await settle(viaAuthorizer), await settle(viaHandler)];
}

describe('a group claim reads the same on every route', () => {
  it('the flattened form API Gateway hands on gives back exactly the array', () => {
    fc.assert(
      fc.property(fc.array(groupName, { maxLength: 5 }), (groups) => {
        const flat = flattenClaims({ 'cognito:groups': groups })['cognito:groups'] as string;
        expect(groupsOf({ 'cognito:groups': flat })).toEqual(groups);
      }),
    );
  });

  it('a group named "x,leads" makes no one a lead, whichever route reads it', async () => {
    const claims = { email: 'eve@example.com', 'cognito:groups': ['x,leads', 'agents'] };
    const [authorizer, handler] = await bothRoutes(claims);
    expect(authorizer).toEqual({ kind: 'staff', role: 'agent', email: 'eve@example.com' });
    expect(handler).toEqual(authorizer);
  });

  it('any groups give the same caller on a JWT-authorizer route and a route that verifies itself', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(groupName, fc.constantFrom('agents', 'leads', 'sellers', 'x,leads')), {
          maxLength: 4,
        }),
        fc.option(fc.stringMatching(/^[a-z0-9]{1,8}$/), { nil: undefined }),
        async (groups, sellerId) => {
          const claims: JwtClaims = { email: 'someone@example.com', 'cognito:groups': groups };
          if (sellerId) claims['custom:sellerId'] = sellerId;
          const [authorizer, handler] = await bothRoutes(claims);
          expect(handler).toEqual(authorizer);
        },
      ),
    );
  });
});
