import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../local/clock.ts';
import {
  createMeetingLinks,
  MEETING_LINK_LIFETIME_SECONDS,
} from '../../../shared/adapters/tokens/meeting-links.ts';
import { createSurveyTokens } from '../../../shared/adapters/tokens/survey-tokens.ts';

const key = new Uint8Array(32).fill(9);
const target = { caseId: '01JD8Z3K4M5N6P7Q8R9S0T1V2W', meetingId: '01JD8Z3K4M5N6P7Q8R9S0T1V2X' };

function setup() {
  const clock = new ManualClock(new Date('2026-12-01T12:00:00.000Z'));
  return {
    clock,
    links: createMeetingLinks(async () => key, clock),
    surveys: createSurveyTokens(async () => key, clock),
  };
}

describe('meeting links', () => {
  it('name the meeting and case they were issued for, until they expire', async () => {
    const { clock, links } = setup();
    const token = await links.issue(target);
    expect(await links.verify(token)).toEqual(target);
    clock.advance(MEETING_LINK_LIFETIME_SECONDS * 1000 + 1000);
    expect(await links.verify(token)).toBeNull();
  });

  it('a survey link never passes for a meeting link, nor the reverse, even under the same key', async () => {
    const { links, surveys } = setup();
    expect(await links.verify(await surveys.issue(target.caseId))).toBeNull();
    expect(await surveys.verify(await links.issue(target))).toBeNull();
  });

  it('an altered token, another key’s or garbage does not verify', async () => {
    const { clock, links } = setup();
    const token = await links.issue(target);
    const other = createMeetingLinks(async () => new Uint8Array(32).fill(1), clock);
    expect(await other.verify(token)).toBeNull();
    expect(await links.verify(`${token.slice(0, -2)}xx`)).toBeNull();
    expect(await links.verify('a.b.c')).toBeNull();
    expect(await links.verify(`${token}${'A'.repeat(3000)}`)).toBeNull();
  });
});
