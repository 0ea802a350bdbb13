import { jwtVerify, SignJWT } from 'jose';
import type { Clock } from '../../ports/clock.ts';
import type { MeetingLinks } from '../../ports/meeting-links.ts';

/** Its own audience: neither a case token nor a survey link passes as a meeting link, nor the reverse. */
const AUDIENCE = 'casewatch:meeting';

/**
 * Longer than any proposal lives (its slots lie at most 60 days ahead): past that, what decides is the
 * meeting's own state, which the link only points at.
 */
export const MEETING_LINK_LIFETIME_SECONDS = 90 * 24 * 60 * 60;

const MAX_TOKEN_LENGTH = 2048;

/**
 * Meeting links as HS256 JWTs naming a case (`sub`) and one of its meetings (`mid`), on the runtime's
 * clock like the survey links, so the local runtime's virtual clock expires them too. Rotating the
 * secret revokes every link issued before.
 */
export function createMeetingLinks(key: () => Promise<Uint8Array>, clock: Clock): MeetingLinks {
  const epochSeconds = () => Math.floor(clock.now().getTime() / 1000);
  return {
    async issue({ caseId, meetingId }) {
      const issuedAt = epochSeconds();
      return new SignJWT({ mid: meetingId })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(caseId)
        .setAudience(AUDIENCE)
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + MEETING_LINK_LIFETIME_SECONDS)
        .sign(await key());
    },
    async verify(token) {
      if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return null;
      try {
        const { payload } = await jwtVerify(token, await key(), {
          audience: AUDIENCE,
          algorithms: ['HS256'],
          requiredClaims: ['sub', 'exp', 'mid'],
          currentDate: clock.now(),
        });
        const { sub, mid } = payload;
        return typeof sub === 'string' && sub !== '' && typeof mid === 'string' && mid !== ''
          ? { caseId: sub, meetingId: mid }
          : null;
      } catch {
        return null;
      }
    },
  };
}
