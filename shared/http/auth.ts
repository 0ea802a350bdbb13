import type { APIGatewayProxyEventV2, APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import type { Actor } from '../app/actor.ts';
import { ForbiddenError, UnauthorizedError } from '../app/errors.ts';
import type { CaseTokens } from '../ports/case-tokens.ts';
import type { JwtClaims, JwtVerifier } from '../ports/identity-verifier.ts';
import { header } from './request.ts';
import { CLAIMS, GROUPS } from './routes.ts';

export interface AuthDeps {
  jwtVerifier: JwtVerifier;
  caseTokens: CaseTokens;
}

/**
 * Cognito groups arrive as a JSON array from a verified token, but API Gateway's JWT authorizer hands
 * them on flattened to a string such as `[agents leads]`, the names joined by spaces. Group names
 * cannot contain whitespace, so splitting on it alone gives back exactly the array: every route reads
 * the same groups (a comma belongs to a name; it is no separator).
 */
export function groupsOf(claims: JwtClaims): string[] {
  const raw = claims[CLAIMS.groups];
  if (Array.isArray(raw)) return raw.map(String);
  if (typeof raw === 'string')
    return raw
      .replace(/^\[|\]$/g, '')
      .split(/\s+/)
      .filter(Boolean);
  return [];
}

/** Staff outrank sellers: a lead who is also in `agents` acts as a lead. */
function actorFromClaims(claims: JwtClaims): Actor {
  const email =
    typeof claims[CLAIMS.email] === 'string' ? (claims[CLAIMS.email] as string).toLowerCase() : '';
  const groups = groupsOf(claims);
  if (!email) throw new ForbiddenError('the token carries no email claim');
  if (groups.includes(GROUPS.leads)) return { kind: 'staff', role: 'lead', email };
  if (groups.includes(GROUPS.agents)) return { kind: 'staff', role: 'agent', email };
  const sellerId = claims[CLAIMS.sellerId];
  if (groups.includes(GROUPS.sellers) && typeof sellerId === 'string' && sellerId !== '') {
    return { kind: 'seller', email, sellerId };
  }
  throw new ForbiddenError('the token belongs to no casewatch group');
}

/**
 * Who is calling: the claims API Gateway's JWT authorizer already checked, else a bearer token
 * verified here, else a case token, else nobody. A credential that is present but wrong is a 401,
 * never silently anonymous.
 */
export async function resolveActor(event: APIGatewayProxyEventV2, deps: AuthDeps): Promise<Actor> {
  const authorized = (event as APIGatewayProxyEventV2WithJWTAuthorizer).requestContext?.authorizer?.jwt
    ?.claims;
  if (authorized) return actorFromClaims(authorized);
  const authorization = header(event, 'authorization');
  if (authorization !== undefined) {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    const claims = m ? await deps.jwtVerifier.verify(m[1] as string) : null;
    if (!claims) throw new UnauthorizedError('the bearer token is not valid');
    return actorFromClaims(claims);
  }
  const caseToken = header(event, 'x-case-token');
  if (caseToken !== undefined) {
    const caseId = await deps.caseTokens.verify(caseToken.trim());
    if (!caseId) throw new UnauthorizedError('the case token is not valid');
    return { kind: 'consumer', caseId };
  }
  return { kind: 'anonymous' };
}
