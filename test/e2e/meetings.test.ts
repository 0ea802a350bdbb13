import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { LOCAL_MAIL_DOMAIN } from '../../local/config.ts';
import {
  AGENT_EMAIL,
  consumerCase,
  credential,
  dataOf,
  type LocalApi,
  type StoredEmail,
  useLocalApi,
} from './support/local-api.ts';

/*
 * A meeting from proposal to reminder on the local runtime, on its manual clock (Monday 2026-11-30,
 * 09:00 Pacific): the agent proposes, the buyer picks by the mailed link, both get the invitation, the
 * reminder goes out at exactly 15 minutes before; moving and cancelling keep the UID.
 */

const BUYER = 'meet-buyer@example.com';
const TUESDAY = { start: '2026-12-01T10:00:00-08:00', durationMinutes: 30 };
const WEDNESDAY = { start: '2026-12-02T14:00:00-08:00', durationMinutes: 45 };
const WEDNESDAY_START = '2026-12-02T22:00:00.000Z';
const JOIN = { url: 'https://meet.example.com/cw-refund', dialIn: '+1 555 0100, code 4711#' };

let api: LocalApi;
let asAgent: Record<string, string>;
let asBuyer: Record<string, string>;
let caseId: string;

useLocalApi(async (local) => {
  api = local.api;
  asAgent = credential({ token: local.agent });
  const opened = dataOf(await api.client.POST('/cases', { body: consumerCase({ email: BUYER }) }));
  caseId = opened.id;
  asBuyer = credential({ caseToken: opened.caseToken as string });
});

/** Mail to `to` whose subject has `words`, once the stream has mailed everything due. */
async function mailsTo(to: string, words: string): Promise<StoredEmail[]> {
  await api.sent();
  return (await api.mailTo(to)).filter((m) => m.subject.includes(words));
}

/** The one VEVENT of the invitation a mail carries, as a calendar client parses it. */
function invitationIn(mail: StoredEmail | undefined) {
  const part = mail?.attachments?.find((a) => a.contentType === 'text/calendar');
  if (!part) throw new Error(`no text/calendar part in ${mail?.subject}`);
  const calendar = new ICAL.Component(ICAL.parse(Buffer.from(part.content, 'base64').toString('utf8')));
  const vevent = calendar.getFirstSubcomponent('vevent');
  if (!vevent) throw new Error('no VEVENT');
  const event = new ICAL.Event(vevent);
  return {
    method: calendar.getFirstPropertyValue('method'),
    uid: event.uid,
    sequence: event.sequence,
    start: event.startDate.toJSDate().toISOString(),
    end: event.endDate.toJSDate().toISOString(),
    status: vevent.getFirstPropertyValue('status'),
    // Calendar addresses are case-insensitive URIs (`MAILTO:`): compared in lower case.
    organizer: String(vevent.getFirstPropertyValue('organizer')).toLowerCase(),
    attendees: vevent.getAllProperties('attendee').map((p) => String(p.getFirstValue()).toLowerCase()),
    location: event.location,
  };
}

const propose = (
  slots: { start: string; durationMinutes: number }[],
  topic = 'Go through the refund together',
) =>
  api.client.POST('/cases/{id}/meetings', {
    params: { path: { id: caseId } },
    headers: asAgent,
    body: { topic, join: JOIN, slots },
  });

describe('a meeting from proposal to reminder', () => {
  let meetingId: string;
  let token: string;
  let uid: string;

  it('refuses slots outside support hours, naming each', async () => {
    const { response, error } = await propose([
      TUESDAY,
      { start: '2026-12-05T10:00:00-08:00', durationMinutes: 30 },
      { start: '2026-12-25T10:00:00-08:00', durationMinutes: 30 },
      { start: '2026-12-01T16:45:00-08:00', durationMinutes: 30 },
    ]);
    expect(response.status).toBe(400);
    expect(error).toMatchObject({
      errors: [
        { field: 'slots.1', message: 'the slot falls on a weekend or a holiday' },
        { field: 'slots.2', message: 'the slot falls on a weekend or a holiday' },
        { field: 'slots.3', message: 'the slot runs past closing time' },
      ],
    });
    expect(
      dataOf(await api.client.GET('/cases/{id}', { params: { path: { id: caseId } }, headers: asAgent }))
        .meetings,
    ).toEqual([]);
  });

  it('the buyer may not propose', async () => {
    const { response } = await api.client.POST('/cases/{id}/meetings', {
      params: { path: { id: caseId } },
      headers: asBuyer,
      body: { topic: 't', join: JOIN, slots: [TUESDAY] },
    });
    expect(response.status).toBe(403);
  });

  it('the agent proposes two slots; the buyer is mailed them in words, each with a link', async () => {
    const answer = dataOf(await propose([WEDNESDAY, TUESDAY]));
    meetingId = answer.meeting.id;
    expect(answer.meeting).toMatchObject({ status: 'proposed', organizer: AGENT_EMAIL, sequence: 0 });
    // The proposal is the case's first response.
    expect(answer.case.sla.firstResponse.metAt).not.toBeNull();
    const [mail, ...more] = await mailsTo(BUYER, 'Pick a time to talk');
    expect(more).toEqual([]);
    const text = mail?.body.text ?? '';
    expect(text).toContain('10:00 AM Pacific Time on Tuesday, December 1 (30 minutes)');
    expect(text).toContain('2:00 PM Pacific Time on Wednesday, December 2 (45 minutes)');
    expect(text).toContain('https://meet.example.com/cw-refund');
    const links = [...text.matchAll(/(https?:\/\/\S+\/meeting#\S+)/g)].map((m) => new URL(m[1] as string));
    expect(links).toHaveLength(2);
    const fragments = links.map((l) => new URLSearchParams(l.hash.slice(1)));
    expect(fragments.map((f) => f.get('slot'))).toEqual(['2026-12-01T18:00:00.000Z', WEDNESDAY_START]);
    token = fragments[0]?.get('token') as string;
    expect(fragments[1]?.get('token')).toBe(token);
  });

  it('the link reads the meeting and picks nothing by being opened', async () => {
    const view = dataOf(await api.client.GET('/meetings/{token}', { params: { path: { token } } }));
    expect(view).toMatchObject({ status: 'proposed', scheduled: null, join: JOIN, organizerName: 'Alice' });
    // The link holder sees the agent as support signs mail, never the agent's address.
    expect(JSON.stringify(view)).not.toContain(AGENT_EMAIL);
    expect(view.slots.map((s) => s.open)).toEqual([true, true]);
    const c = dataOf(
      await api.client.GET('/cases/{id}', { params: { path: { id: caseId } }, headers: asAgent }),
    );
    expect(c.meetings[0]?.status).toBe('proposed');
  });

  it('the buyer picks Wednesday by the link; again is the same answer; another slot is refused', async () => {
    const pick = (start: string) =>
      api.client.POST('/meetings/{token}', { params: { path: { token } }, body: { start } });
    const picked = dataOf(await pick('2026-12-02T14:00:00-08:00'));
    expect(picked).toMatchObject({
      status: 'scheduled',
      scheduled: { start: WEDNESDAY_START, end: '2026-12-02T22:45:00.000Z', durationMinutes: 45 },
    });
    expect(dataOf(await pick(WEDNESDAY_START))).toEqual(picked);
    const other = await pick('2026-12-01T18:00:00.000Z');
    expect(other.response.status).toBe(409);
  });

  it('both sides get one calendar invitation: REQUEST, UTC times, the meeting’s UID, SEQUENCE 0', async () => {
    uid = `meeting-${meetingId}@${LOCAL_MAIL_DOMAIN}`;
    const [toBuyer, ...moreToBuyer] = await mailsTo(BUYER, 'Invitation:');
    const [toAgent, ...moreToAgent] = await mailsTo(AGENT_EMAIL, 'Invitation:');
    expect([moreToBuyer, moreToAgent]).toEqual([[], []]);
    for (const mail of [toBuyer, toAgent]) {
      const invitation = invitationIn(mail);
      expect(invitation).toMatchObject({
        method: 'REQUEST',
        uid,
        sequence: 0,
        start: WEDNESDAY_START,
        end: '2026-12-02T22:45:00.000Z',
        status: 'CONFIRMED',
        location: JOIN.url,
      });
      // The organizer is the case's own reply address, so an accept or decline lands on the case.
      expect(invitation.organizer).toMatch(
        new RegExp(`^mailto:case\\+${caseId.toLowerCase()}\\.[a-z2-7]+@`, 'i'),
      );
    }
    // The buyer's copy names no agent address; the agent's copy lists both.
    expect(invitationIn(toBuyer).attendees).toEqual([`mailto:${BUYER}`]);
    expect(invitationIn(toAgent).attendees).toEqual([`mailto:${BUYER}`, `mailto:${AGENT_EMAIL}`]);
    expect(Buffer.from(toBuyer?.attachments?.[0]?.content ?? '', 'base64').toString()).not.toContain(
      AGENT_EMAIL,
    );
    expect(toBuyer?.subject).toContain('2:00 PM Pacific Time on Wednesday, December 2');
  });

  it('the reminder goes out at exactly 15 minutes before the start, not a minute earlier', async () => {
    const reminderAt = Date.parse(WEDNESDAY_START) - 15 * 60_000;
    const { now } = await api.advance('PT0S');
    const early = await api.advance(`PT${Math.round((reminderAt - 60_000 - Date.parse(now)) / 1000)}S`);
    expect(early.fired.filter((t) => t.kind === 'meeting-reminder')).toEqual([]);
    expect(await mailsTo(BUYER, 'Starting soon')).toEqual([]);
    const due = await api.advance('PT1M');
    expect(due.now).toBe(new Date(reminderAt).toISOString());
    expect(due.fired.filter((t) => t.kind === 'meeting-reminder')).toEqual([
      expect.objectContaining({ caseId, dueAt: new Date(reminderAt).toISOString(), outcome: 'acted' }),
    ]);
    expect(await mailsTo(BUYER, 'Starting soon')).toHaveLength(1);
    expect(await mailsTo(AGENT_EMAIL, 'Starting soon')).toHaveLength(1);
    const events = dataOf(
      await api.client.GET('/cases/{id}/events', { params: { path: { id: caseId } }, headers: asAgent }),
    ).items;
    expect(events.filter((e) => e.type === 'meeting.reminded')).toEqual([
      expect.objectContaining({ at: new Date(reminderAt).toISOString(), startsAt: WEDNESDAY_START }),
    ]);
  });

  it('the buyer moves it: an updated invitation with the same UID and SEQUENCE 1, and a new reminder', async () => {
    // A move meant for a case that has changed since is refused, as every write to a case is.
    const before = await api.client.GET('/cases/{id}', {
      params: { path: { id: caseId } },
      headers: asBuyer,
    });
    const stale = await api.client.POST('/cases/{id}/meetings/{meetingId}/reschedule', {
      params: { path: { id: caseId, meetingId } },
      headers: { ...asBuyer, 'If-Match': '"1"' },
      body: { start: '2026-12-03T09:30:00-08:00', durationMinutes: 30 },
    });
    expect(stale.response.status).toBe(412);
    expect(stale.response.headers.get('etag')).toBe(before.response.headers.get('etag'));
    const after = await api.client.GET('/cases/{id}', { params: { path: { id: caseId } }, headers: asBuyer });
    expect(after.response.headers.get('etag')).toBe(before.response.headers.get('etag'));
    expect(after.data?.meetings.find((m) => m.id === meetingId)?.sequence).toBe(0);

    const moved = dataOf(
      await api.client.POST('/cases/{id}/meetings/{meetingId}/reschedule', {
        params: { path: { id: caseId, meetingId } },
        headers: asBuyer,
        body: { start: '2026-12-03T09:30:00-08:00', durationMinutes: 30 },
      }),
    );
    expect(moved.meeting).toMatchObject({ sequence: 1, remindedAt: null });
    const [update] = await mailsTo(AGENT_EMAIL, 'Updated invitation:');
    expect(invitationIn(update)).toMatchObject({
      method: 'REQUEST',
      uid,
      sequence: 1,
      start: '2026-12-03T17:30:00.000Z',
    });
    const timers = (await api.call('GET', '/_local/timers')).body;
    expect(JSON.stringify(timers)).toContain('2026-12-03T17:15:00.000Z');
  });

  it('the agent cancels it: METHOD:CANCEL, same UID, SEQUENCE 2; no reminder is left', async () => {
    const current = await api.client.GET('/cases/{id}', {
      params: { path: { id: caseId } },
      headers: asAgent,
    });
    const cancelled = dataOf(
      await api.client.POST('/cases/{id}/meetings/{meetingId}/cancel', {
        params: { path: { id: caseId, meetingId } },
        headers: { ...asAgent, 'If-Match': current.response.headers.get('etag') as string },
        body: { reason: 'Refunded in the meantime' },
      }),
    );
    expect(cancelled.meeting).toMatchObject({ status: 'cancelled', sequence: 2 });
    const [toBuyer] = await mailsTo(BUYER, 'Cancelled:');
    expect(invitationIn(toBuyer)).toMatchObject({ method: 'CANCEL', uid, sequence: 2, status: 'CANCELLED' });
    const { fired } = await api.advance('P1D');
    expect(fired.filter((t) => t.kind === 'meeting-reminder')).toEqual([]);
    expect(await mailsTo(BUYER, 'Starting soon')).toHaveLength(1);
  });

  it('an unpicked proposal expires when its last slot starts, and its organizer hears of it', async () => {
    const { now } = await api.advance('PT0S');
    // A day after the reminder: Thursday 13:45 Pacific. Propose 16:00 the same day.
    expect(now).toBe('2026-12-03T21:45:00.000Z');
    const answer = dataOf(
      await propose([{ start: '2026-12-03T16:00:00-08:00', durationMinutes: 15 }], 'Quick check'),
    );
    const { fired } = await api.advance('PT3H');
    expect(fired.filter((t) => t.kind === 'meeting-expiry')).toEqual([
      expect.objectContaining({ dueAt: '2026-12-04T00:00:00.000Z', outcome: 'acted' }),
    ]);
    const c = dataOf(
      await api.client.GET('/cases/{id}', { params: { path: { id: caseId } }, headers: asAgent }),
    );
    expect(c.meetings.find((m) => m.id === answer.meeting.id)?.status).toBe('expired');
    const late = await api.client.POST('/cases/{id}/meetings/{meetingId}/pick', {
      params: { path: { id: caseId, meetingId: answer.meeting.id } },
      headers: asBuyer,
      body: { start: '2026-12-03T16:00:00-08:00' },
    });
    expect(late.response.status).toBe(409);
    expect(late.error).toMatchObject({ detail: 'this proposal expired: its last slot has passed' });
    expect(await mailsTo(AGENT_EMAIL, 'No time picked: Quick check')).toHaveLength(1);
  });
});
