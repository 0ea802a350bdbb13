import { jwtVerify, SignJWT } from 'jose';
import type { Clock } from '../../ports/clock.ts';
import type { SurveyTokens } from '../../ports/survey-tokens.ts';

/** Not `casewatch:case`: a case token never passes as a survey link, nor the other way round. */
const AUDIENCE = 'casewatch:survey';

/** How long a survey link works after it is mailed; a late answer says little about the support given. */
export const SURVEY_TOKEN_LIFETIME_SECONDS = 60 * 24 * 60 * 60;

/** Longer than any token `issue` makes; anything longer is refused before spending an HMAC on it. */
const MAX_SURVEY_TOKEN_LENGTH = 2048;

/**
 * Survey links as HS256 JWTs naming one case (`sub`) for the survey audience, valid for 60 days from
 * issue. Time comes from the runtime's clock, not jose's `Date.now()`, so the local runtime's virtual
 * clock expires links as it expires everything else; issuer and verifier must share that clock.
 * Rotating the secret revokes every link issued before.
 */
export function createSurveyTokens(key: () => Promise<Uint8Array>, clock: Clock): SurveyTokens {
  const epochSeconds = () => Math.floor(clock.now().getTime() / 1000);
  return {
    async issue(caseId) {
      const issuedAt = epochSeconds();
      return new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(caseId)
        .setAudience(AUDIENCE)
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + SURVEY_TOKEN_LIFETIME_SECONDS)
        .sign(await key());
    },
    async verify(token) {
      if (typeof token !== 'string' || token.length > MAX_SURVEY_TOKEN_LENGTH) return null;
      try {
        const { payload } = await jwtVerify(token, await key(), {
          audience: AUDIENCE,
          algorithms: ['HS256'],
          requiredClaims: ['sub', 'exp'],
          currentDate: clock.now(),
        });
        return typeof payload.sub === 'string' && payload.sub !== '' ? payload.sub : null;
      } catch {
        return null;
      }
    },
  };
}
