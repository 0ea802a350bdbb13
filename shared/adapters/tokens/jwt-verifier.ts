import { createRemoteJWKSet, errors, type JWTVerifyGetKey, jwtVerify } from 'jose';
import type { JwtVerifier } from '../../ports/identity-verifier.ts';

export interface JwtVerifierOptions {
  /** The key set: Cognito's JWKS in AWS, the local runtime's key locally. */
  keys: JWTVerifyGetKey;
  issuer: string;
  /** The app client id (ID tokens carry it as `aud`). */
  audience: string;
}

/** Verifies user JWTs the way API Gateway's JWT authorizer does: signature, issuer, audience, expiry. */
export function createJwtVerifier({ keys, issuer, audience }: JwtVerifierOptions): JwtVerifier {
  return {
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, keys, {
          issuer,
          audience,
          algorithms: ['RS256', 'ES256'],
        });
        return payload as Record<string, unknown>;
      } catch (error) {
        // A token that fails verification is the caller's problem (401); not reaching the user pool's
        // keys is ours, and must not look like a bad credential.
        if (error instanceof errors.JOSEError && !(error instanceof errors.JWKSTimeout)) return null;
        throw error;
      }
    },
  };
}

/**
 * The user pool's published keys, fetched and cached by jose; created on first use, since building it
 * loads Node's fetch stack (tens of ms) at cold start, and most calls never verify a bearer token here.
 */
export function remoteKeys(jwksUrl: string): JWTVerifyGetKey {
  let keys: JWTVerifyGetKey | undefined;
  return (header, token) => {
    keys ??= createRemoteJWKSet(new URL(jwksUrl));
    return keys(header, token);
  };
}
