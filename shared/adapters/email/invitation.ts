import ical, {
  ICalAttendeeRole,
  ICalAttendeeStatus,
  ICalCalendarMethod,
  ICalEventStatus,
} from 'ical-generator';
import { slotEnd } from '../../domain/meeting.ts';
import type { Notice } from '../../ports/notifier.ts';

export interface Invitation {
  method: 'REQUEST' | 'CANCEL';
  /** Stable per meeting, e.g. `meeting-<meetingId>@<mail domain>`: every update and the cancellation carry it. */
  uid: string;
  /** 0 for the first invitation, +1 for every reschedule and for the cancellation. */
  sequence: number;
  /** ISO-8601 UTC instants like `2026-12-08T18:00:00.000Z`. */
  start: string;
  end: string;
  /** DTSTAMP: when this version of the invitation was made. */
  stamp: string;
  summary: string;
  description: string;
  /** The conference URL, else the dial-in text; null when neither. */
  location: string | null;
  /** The conference URL (https), when there is one. */
  url: string | null;
  organizer: { name: string; email: string };
  attendees: { email: string; name?: string }[];
}

/** Only the UTC (`Z`) form: a string without a zone would be read in this machine's zone. */
const UTC_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?Z$/;

function instant(value: string, field: string): Date {
  const d = new Date(value);
  if (!UTC_INSTANT.test(value) || Number.isNaN(d.getTime())) {
    throw new RangeError(`invitation ${field} is not a UTC instant: ${value}`);
  }
  return d;
}

/**
 * RFC 5545 TEXT allows no control characters but HTAB; line breaks (CRLF, CR, LF) are kept, and written as
 * `\n` by the library.
 */
const text = (s: string) => s.replace(/(?![\t\n\r])\p{Cc}/gu, '');
/** A CN is a quoted parameter value: no DQUOTE, no control characters (RFC 5545 §3.1 `QSAFE-CHAR`). */
const commonName = (s: string) => s.replace(/"/g, "'").replace(/\p{Cc}+/gu, ' ');

/**
 * The iCalendar object (RFC 5545) for one meeting invitation, with an iTIP method (RFC 5546): `REQUEST`
 * for the first invitation and every reschedule, `CANCEL` for a cancellation.
 *
 * - Every time is written in UTC (`DTSTART:20261208T180000Z`), with no VTIMEZONE: a UTC instant means
 *   the same moment to every client, whereas a TZID depends on each client's (or our own) copy of the
 *   time-zone rules, and a floating time would mean a different moment in every zone. Each client shows
 *   the instant in its user's own zone.
 * - The UID identifies the meeting, not the mail: clients match an update or a cancellation to the event
 *   already in the calendar by UID, and apply it only when its SEQUENCE is higher than the one they hold
 *   (RFC 5546 §2.1.4, §2.1.5), so the caller keeps the UID for the meeting's whole life and raises the
 *   SEQUENCE for every reschedule and for the cancellation; DTSTAMP orders versions with the same SEQUENCE.
 *
 * iCalendar times have whole seconds: fractions of a second are dropped. Throws a RangeError for an
 * instant not in the ISO-8601 UTC form, an end not after the start, a sequence that is not a
 * non-negative integer, or a URL that is not https.
 */
export function invitationIcs(invitation: Invitation): string {
  const start = instant(invitation.start, 'start');
  const end = instant(invitation.end, 'end');
  const stamp = instant(invitation.stamp, 'stamp');
  if (end.getTime() <= start.getTime()) throw new RangeError('invitation end must be after its start');
  if (!Number.isSafeInteger(invitation.sequence) || invitation.sequence < 0) {
    throw new RangeError(`invitation sequence must be a non-negative integer: ${invitation.sequence}`);
  }
  if (invitation.url !== null && !/^https:\/\//i.test(invitation.url)) {
    throw new RangeError('invitation url must be https');
  }
  const request = invitation.method === 'REQUEST';
  const calendar = ical({
    prodId: { company: 'casewatch', product: 'case meetings', language: 'EN' },
    method: request ? ICalCalendarMethod.REQUEST : ICalCalendarMethod.CANCEL,
  });
  calendar.createEvent({
    id: invitation.uid,
    sequence: invitation.sequence,
    stamp,
    // No `timezone` and not `floating`: ical-generator writes Date values in the UTC (`Z`) form.
    start,
    end,
    summary: text(invitation.summary),
    description: text(invitation.description),
    location: invitation.location === null ? null : text(invitation.location),
    url: invitation.url,
    status: request ? ICalEventStatus.CONFIRMED : ICalEventStatus.CANCELLED,
    organizer: { name: commonName(invitation.organizer.name), email: invitation.organizer.email },
    attendees: invitation.attendees.map((a) => ({
      email: a.email,
      ...(a.name ? { name: commonName(a.name) } : {}),
      role: ICalAttendeeRole.REQ,
      status: ICalAttendeeStatus.NEEDSACTION,
      rsvp: request ? true : null,
    })),
  });
  // ical-generator ends the last line without CRLF; RFC 5545 ends every content line with one.
  return `${calendar.toString()}\r\n`;
}

/**
 * The invitation a meeting notice carries (docs/meetings.md#invitations), or null for any other notice:
 * UID `meeting-<id>@<mail domain>` for the meeting's whole life, its SEQUENCE, the picked time, and the
 * join details as location, link and description. The organizer is the case's own reply address, named
 * after the agent ("Alice (casewatch support)"): a calendar's accept or decline lands on the case, and the
 * requester never sees an agent's address. The requester's copy lists the requester; the agent's copy
 * lists both.
 */
export function meetingInvitation(
  notice: Notice,
  options: {
    mailDomain: string;
    brand: string;
    now: Date;
    organizerName: (email: string) => string;
    /** The case's signed reply address (`replyAddress`). */
    organizerAddress: string;
  },
): Invitation | null {
  if (notice.kind !== 'meeting.invitation' && notice.kind !== 'meeting.staff-invitation') return null;
  const { meeting: m, case: c } = notice;
  if (m.scheduled === null) return null;
  const join = [
    ...(m.join.url ? [`Join: ${m.join.url}`] : []),
    ...(m.join.dialIn ? [`Dial-in: ${m.join.dialIn}`] : []),
  ];
  const requester = c.requester.email ? [{ email: c.requester.email }] : [];
  return {
    method: notice.method,
    uid: `meeting-${m.id}@${options.mailDomain}`,
    sequence: m.sequence,
    start: m.scheduled.start,
    end: slotEnd(m.scheduled),
    stamp: options.now.toISOString(),
    summary: `${m.topic} (${options.brand} support, case ${c.number})`,
    description: [m.topic, ...join, `Case ${c.number}`].join('\n'),
    location: m.join.url ?? m.join.dialIn ?? null,
    url: m.join.url,
    organizer: {
      name: `${options.organizerName(m.organizer)} (${options.brand} support)`,
      email: options.organizerAddress,
    },
    attendees:
      notice.kind === 'meeting.invitation'
        ? requester
        : [...requester, { email: m.organizer, name: options.organizerName(m.organizer) }],
  };
}
