import {
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTVerifyGetKey,
  SignJWT,
} from 'jose';

const LOCAL_ISSUER = 'https://casewatch.local/auth';
const LOCAL_AUDIENCE = 'casewatch-local';

export interface TokenRequest {
  role: 'seller' | 'agent' | 'lead';
  email: string;
  sellerId?: string | undefined;
}

/**
 * The local stand-in for Cognito: an ES256 key pair made at start, tokens with the same claims a
 * Cognito ID token carries (`email`, `cognito:groups`, `custom:sellerId`), and the JWKS to verify them.
 */
export async function createLocalIdentity(savedPrivateKey?: JWK) {
  const pair = savedPrivateKey ? null : await generateKeyPair('ES256', { extractable: true });
  const privateJwk: JWK = savedPrivateKey ?? (await exportJWK((pair as NonNullable<typeof pair>).privateKey));
  const privateKey = await importJWK(privateJwk, 'ES256');
  const { d: _secret, ...publicJwk } = privateJwk;
  const jwk: JWK = { ...publicJwk, kid: 'local', alg: 'ES256', use: 'sig' };
  const keys: JWTVerifyGetKey = createLocalJWKSet({ keys: [jwk] });
  const groupOf = { seller: 'sellers', agent: 'agents', lead: 'leads' } as const;

  /** Token lifetimes follow the real clock, like Cognito's: the manual clock is for SLA time only. */
  async function issue(request: TokenRequest): Promise<string> {
    const claims: Record<string, unknown> = {
      email: request.email.toLowerCase(),
      email_verified: true,
      'cognito:groups': [groupOf[request.role]],
      token_use: 'id',
    };
    if (request.sellerId) claims['custom:sellerId'] = request.sellerId;
    const issuedAt = Math.floor(Date.now() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: 'local' })
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setSubject(`local:${request.role}:${request.email.toLowerCase()}`)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + 12 * 3600)
      .sign(privateKey);
  }

  return { issue, keys, privateJwk, issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE };
}
