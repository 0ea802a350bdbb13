import { SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import ICAL from 'ical.js';
import { type ParsedMail, simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { type Invitation, invitationIcs } from '../../../shared/adapters/email/invitation.ts';
import { createSesMailer } from '../../../shared/adapters/email/mailer.ts';
import { composeMime, type MimeMail } from '../../../shared/adapters/email/mime.ts';

const uid = 'meeting-01JMEETING@reply.support.example';
const first: Invitation = {
  method: 'REQUEST',
  uid,
  sequence: 0,
  start: '2026-12-08T18:00:00.000Z',
  end: '2026-12-08T18:30:00.000Z',
  stamp: '2026-12-01T10:15:00.000Z',
  summary: 'Case 1042: payout review',
  description: 'We will go through the payout history.\nBring the statement, if you have it.',
  location: 'https://meet.example/abc-defg-hij',
  url: 'https://meet.example/abc-defg-hij',
  organizer: { name: 'Ana Agent', email: 'ana@support.example' },
  attendees: [{ email: 'seller@shop.example', name: 'Søren Seller' }, { email: 'ana@support.example' }],
};

/** The calendar as a client reads it: the VCALENDAR and its one VEVENT. */
function parse(ics: string) {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  const vevents = calendar.getAllSubcomponents('vevent');
  expect(vevents).toHaveLength(1);
  const vevent = vevents[0] as ICAL.Component;
  return { calendar, vevent, event: new ICAL.Event(vevent) };
}

const iso = (t: ICAL.Time) => t.toJSDate().toISOString();
const unfolded = (ics: string) => ics.replace(/\r\n[ \t]/g, '');

describe('invitationIcs', () => {
  it('writes a REQUEST a calendar client reads as the exact meeting, in UTC', () => {
    const ics = invitationIcs(first);
    const { calendar, vevent, event } = parse(ics);
    expect(calendar.getFirstPropertyValue('method')).toBe('REQUEST');
    expect(calendar.getFirstPropertyValue('prodid')).toMatch(/casewatch/);
    expect(calendar.getFirstPropertyValue('version')).toBe('2.0');
    expect(calendar.getAllSubcomponents('vtimezone')).toEqual([]);
    expect(event.uid).toBe(uid);
    expect(event.sequence).toBe(0);
    expect(iso(event.startDate)).toBe(first.start);
    expect(iso(event.endDate)).toBe(first.end);
    // Not floating (which would read as UTC here only because the tests run with TZ=UTC) and no TZID.
    expect(event.startDate.zone.tzid).toBe('UTC');
    expect(event.endDate.zone.tzid).toBe('UTC');
    expect(vevent.getFirstProperty('dtstart')?.getParameter('tzid')).toBeUndefined();
    expect(unfolded(ics)).toMatch(/\r\nDTSTART:20261208T180000Z\r\n/);
    expect(unfolded(ics)).toMatch(/\r\nDTEND:20261208T183000Z\r\n/);
    expect(iso(vevent.getFirstPropertyValue('dtstamp') as ICAL.Time)).toBe(first.stamp);
    expect(event.summary).toBe(first.summary);
    expect(event.description).toBe(first.description);
    expect(event.location).toBe(first.location);
    expect(vevent.getFirstPropertyValue('url')).toBe(first.url);
    expect(vevent.getFirstPropertyValue('status')).toBe('CONFIRMED');

    const organizer = vevent.getFirstProperty('organizer');
    expect(organizer?.getFirstValue()).toBe('mailto:ana@support.example');
    expect(organizer?.getParameter('cn')).toBe('Ana Agent');

    const attendees = event.attendees.map((a) => ({
      value: String(a.getFirstValue()).toLowerCase(),
      cn: a.getParameter('cn'),
      role: a.getParameter('role'),
      partstat: a.getParameter('partstat'),
      rsvp: a.getParameter('rsvp'),
    }));
    expect(attendees).toEqual([
      {
        value: 'mailto:seller@shop.example',
        cn: 'Søren Seller',
        role: 'REQ-PARTICIPANT',
        partstat: 'NEEDS-ACTION',
        rsvp: 'TRUE',
      },
      {
        value: 'mailto:ana@support.example',
        cn: undefined,
        role: 'REQ-PARTICIPANT',
        partstat: 'NEEDS-ACTION',
        rsvp: 'TRUE',
      },
    ]);
  });

  it('ends every line with CRLF and keeps lines within 75 octets', () => {
    const ics = invitationIcs({ ...first, description: 'ü'.repeat(200) });
    expect(ics.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const line of ics.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(parse(ics).event.description).toBe('ü'.repeat(200));
  });

  it('leaves LOCATION and URL out when there is neither, and takes dial-in text as the location', () => {
    const none = parse(invitationIcs({ ...first, location: null, url: null })).vevent;
    expect(none.getFirstProperty('location')).toBeNull();
    expect(none.getFirstProperty('url')).toBeNull();
    const dialIn = 'Dial +1 555 0100, PIN 1234; then #';
    const phone = parse(invitationIcs({ ...first, location: dialIn, url: null })).vevent;
    expect(phone.getFirstPropertyValue('location')).toBe(dialIn);
    expect(phone.getFirstProperty('url')).toBeNull();
  });

  it('keeps the UID through a reschedule and a cancellation, with a rising SEQUENCE', () => {
    const moved = parse(
      invitationIcs({
        ...first,
        sequence: 1,
        start: '2026-12-09T16:30:00.000Z',
        end: '2026-12-09T17:15:00.000Z',
        stamp: '2026-12-02T08:00:00.000Z',
      }),
    );
    expect(moved.calendar.getFirstPropertyValue('method')).toBe('REQUEST');
    expect(moved.event.uid).toBe(uid);
    expect(moved.event.sequence).toBe(1);
    expect(iso(moved.event.startDate)).toBe('2026-12-09T16:30:00.000Z');
    expect(iso(moved.event.endDate)).toBe('2026-12-09T17:15:00.000Z');
    expect(moved.vevent.getFirstPropertyValue('status')).toBe('CONFIRMED');

    const cancelled = parse(
      invitationIcs({
        ...first,
        method: 'CANCEL',
        sequence: 2,
        start: '2026-12-09T16:30:00.000Z',
        end: '2026-12-09T17:15:00.000Z',
        stamp: '2026-12-03T09:00:00.000Z',
      }),
    );
    expect(cancelled.calendar.getFirstPropertyValue('method')).toBe('CANCEL');
    expect(cancelled.event.uid).toBe(uid);
    expect(cancelled.event.sequence).toBe(2);
    expect(cancelled.vevent.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(cancelled.event.attendees.map((a) => a.getParameter('rsvp'))).toEqual([undefined, undefined]);
    expect(cancelled.event.attendees.map((a) => a.getParameter('partstat'))).toEqual([
      'NEEDS-ACTION',
      'NEEDS-ACTION',
    ]);
  });

  it('keeps a quote in a name from breaking the CN parameter', () => {
    const { vevent } = parse(
      invitationIcs({ ...first, organizer: { name: 'Ana "AJ" Agent', email: 'a@s.example' } }),
    );
    expect(vevent.getFirstProperty('organizer')?.getParameter('cn')).toBe("Ana 'AJ' Agent");
    expect(vevent.getFirstPropertyValue('organizer')).toBe('mailto:a@s.example');
  });

  it('drops control characters iCalendar text may not hold, keeping tabs and turning CRLF into a line break', () => {
    const { event } = parse(
      invitationIcs({ ...first, summary: 'a\u0007b\u0000c', description: 'x\ty\r\nz\u001b' }),
    );
    expect(event.summary).toBe('abc');
    expect(event.description).toBe('x\ty\nz');
  });

  it('refuses a meeting that ends before it starts, a bad instant, a bad sequence and a non-https URL', () => {
    expect(() => invitationIcs({ ...first, end: first.start })).toThrow(RangeError);
    expect(() => invitationIcs({ ...first, start: 'next tuesday' })).toThrow(RangeError);
    expect(() => invitationIcs({ ...first, start: '2026-12-08T18:00:00' })).toThrow(RangeError);
    expect(() => invitationIcs({ ...first, stamp: '2026-12-01T10:15:00+01:00' })).toThrow(RangeError);
    expect(() => invitationIcs({ ...first, sequence: -1 })).toThrow(RangeError);
    expect(() => invitationIcs({ ...first, sequence: 1.5 })).toThrow(RangeError);
    expect(() => invitationIcs({ ...first, url: 'javascript:alert(1)' })).toThrow(RangeError);
  });

  it('round-trips start, end, sequence, uid, summary and description for any meeting', () => {
    const MIN = 60_000;
    const from = Date.UTC(2020, 0, 1) / MIN;
    const to = Date.UTC(2035, 11, 31, 23, 59) / MIN;
    // Text as people type it: punctuation iCalendar escapes, line breaks, accents, CJK and emoji.
    const unit = fc.oneof(
      fc.constantFrom(',', ';', '\\', '\n', ':', '"', ' ', '\t', 'é', 'ß', '日本', '😀', '👩🏽‍💻'),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }).filter((s) => !/[\p{Cc}]/u.test(s)),
    );
    const text = fc.array(unit, { maxLength: 60 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(
        fc.integer({ min: from, max: to }),
        fc.integer({ min: 15, max: 120 }),
        fc.integer({ min: 0, max: 50 }),
        fc.stringMatching(/^[A-Za-z0-9]{1,26}$/),
        text,
        text,
        (startMinute, minutes, sequence, id, summary, description) => {
          const start = new Date(startMinute * MIN).toISOString();
          const end = new Date((startMinute + minutes) * MIN).toISOString();
          const meeting = { ...first, uid: `meeting-${id}@reply.support.example`, sequence, start, end };
          const { event } = parse(invitationIcs({ ...meeting, summary, description }));
          expect(iso(event.startDate)).toBe(start);
          expect(iso(event.endDate)).toBe(end);
          expect(event.startDate.zone.tzid).toBe('UTC');
          expect(event.sequence).toBe(sequence);
          expect(event.uid).toBe(meeting.uid);
          expect(event.summary).toBe(summary);
          expect(event.description).toBe(description);
        },
      ),
      { numRuns: 300 },
    );
  });
});

const mail: MimeMail = {
  from: 'casewatch <support@support.example>',
  to: 'seller@shop.example',
  subject: 'Invitation: payout review',
  text: 'Your meeting is booked.',
  html: '<p>Your meeting is booked.</p>',
  messageId: '<event.01JMEETING.case.01JCASE.sig@reply.support.example>',
  automatic: true,
  date: new Date('2026-12-01T10:15:00.000Z'),
};

const calendarParts = (p: ParsedMail) => p.attachments.filter((a) => a.contentType === 'text/calendar');

describe('composeMime with a calendar invitation', () => {
  it('adds a text/calendar alternative with the method, and an invite.ics attachment', async () => {
    const content = invitationIcs(first);
    const p = await simpleParser(await composeMime({ ...mail, calendar: { method: 'REQUEST', content } }));
    expect(p.text?.trim()).toBe(mail.text);
    expect(p.html).toContain('Your meeting is booked.');

    const parts = calendarParts(p);
    expect(parts).toHaveLength(1);
    const part = parts[0] as (typeof parts)[number];
    expect(part.headers.get('content-type')).toEqual({
      value: 'text/calendar',
      params: { charset: 'utf-8', method: 'REQUEST' },
    });
    expect(part.contentDisposition).toBeUndefined();
    expect(part.content.toString('utf8')).toBe(content);
    expect(parse(part.content.toString('utf8')).event.uid).toBe(uid);

    const files = p.attachments.filter((a) => a.filename === 'invite.ics');
    expect(files).toHaveLength(1);
    expect(files[0]?.contentType).toBe('application/ics');
    expect(files[0]?.contentDisposition).toBe('attachment');
    expect(files[0]?.content.toString('utf8')).toBe(content);
    expect(p.attachments).toHaveLength(2);
  });

  it('marks a cancellation method=CANCEL', async () => {
    const content = invitationIcs({ ...first, method: 'CANCEL', sequence: 1 });
    const p = await simpleParser(await composeMime({ ...mail, calendar: { method: 'CANCEL', content } }));
    const part = calendarParts(p)[0];
    expect(part?.headers.get('content-type')).toMatchObject({ params: { method: 'CANCEL' } });
    expect(parse(part?.content.toString('utf8') ?? '').calendar.getFirstPropertyValue('method')).toBe(
      'CANCEL',
    );
  });

  it('adds no calendar part or attachment without one', async () => {
    const raw = await composeMime(mail);
    expect(raw.toString()).not.toMatch(/text\/calendar|application\/ics|invite\.ics/i);
    const p = await simpleParser(raw);
    expect(p.attachments).toEqual([]);
    expect(p.headers.get('content-type')).toMatchObject({ value: 'multipart/alternative' });
  });

  it('goes out through the SES mailer as part of the raw message', async () => {
    // The instance, not the class: other files in this worker mock SESClient itself.
    const client = new SESClient({ region: 'us-east-1' });
    const ses = mockClient(client);
    ses.on(SendRawEmailCommand).resolves({ MessageId: 'ses-1' });
    const content = invitationIcs(first);
    const out = await createSesMailer({ client }).send({ ...mail, calendar: { method: 'REQUEST', content } });
    expect(out).toEqual({ providerMessageId: 'ses-1' });
    const calls = ses.commandCalls(SendRawEmailCommand);
    expect(calls).toHaveLength(1);
    const p = await simpleParser(Buffer.from(calls[0]?.args[0].input.RawMessage?.Data as Uint8Array));
    expect(p.messageId).toBe(mail.messageId);
    expect(calendarParts(p).map((a) => a.content.toString('utf8'))).toEqual([content]);
  });
});
