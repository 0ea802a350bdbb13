import type { Clock } from '../../ports/clock.ts';
import type { MeetingLinks } from '../../ports/meeting-links.ts';
import { createLinkTokens } from './link-tokens.ts';

/** Its own audience: neither a case token nor a survey link passes as a meeting link, nor the reverse. */
const AUDIENCE = 'casewatch:meeting';

/**
 * Longer than any proposal lives (its slots lie at most 60 days ahead): past that, what decides is the
 * meeting's own state, which the link only points at.
 */
export const MEETING_LINK_LIFETIME_SECONDS = 90 * 24 * 60 * 60;

/** Meeting links: one meeting (`mid`) of one case (`sub`) each (docs/meetings.md#the-link). */
export function createMeetingLinks(key: () => Promise<Uint8Array>, clock: Clock): MeetingLinks {
  const links = createLinkTokens({
    audience: AUDIENCE,
    lifetimeSeconds: MEETING_LINK_LIFETIME_SECONDS,
    key,
    clock,
  });
  return {
    issue: ({ caseId, meetingId }) => links.issue(caseId, { mid: meetingId }),
    async verify(token) {
      const claims = await links.verify(token, ['mid']);
      return claims && { caseId: claims.sub, meetingId: claims.mid };
    },
  };
}
