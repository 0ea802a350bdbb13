import { jwtVerify, SignJWT } from 'jose';
import type { CaseTokens } from '../../ports/case-tokens.ts';

const AUDIENCE = 'casewatch:case';

/**
 * Case tokens as HS256 JWTs naming one case. Rotating the key (a new secret value) revokes every
 * token issued before; there is no expiry because a buyer may come back to a case months later.
 */
export function createCaseTokens(key: () => Promise<Uint8Array>): CaseTokens {
  return {
    async issue(caseId) {
      return new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(caseId)
        .setAudience(AUDIENCE)
        .sign(await key());
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, await key(), {
          audience: AUDIENCE,
          algorithms: ['HS256'],
        });
        return typeof payload.sub === 'string' ? payload.sub : null;
      } catch {
        return null;
      }
    },
  };
}
