import * as z from 'zod';
import type { BusinessCalendar } from './business-time.ts';
import { dateOf, epochOf, type Instant, InstantSchema, toInstant } from './instant.ts';
import { instantOf, localDateAt, wallClockAt } from './local-date.ts';

/*
 * Meetings on a case (docs/meetings.md): an agent proposes a few slots inside support's hours, the
 * requester picks one, both get a calendar invitation, a reminder goes out a quarter of an hour before.
 * casewatch hosts no call: the join details are what the agent typed.
 */

export const MEETING_LIMITS = {
  minSlots: 1,
  maxSlots: 5,
  minMinutes: 15,
  maxMinutes: 120,
  /** How far ahead a slot may lie: a proposal is about this case, not next quarter's planning. */
  maxDaysAhead: 60,
  /** The reminder goes out this long before the start. */
  reminderMinutes: 15,
  /** Meetings a case keeps (every state); a case is not a calendar. */
  maxPerCase: 20,
} as const;

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

export const MeetingSlotSchema = z
  .strictObject({
    start: InstantSchema,
    durationMinutes: z
      .int()
      .min(MEETING_LIMITS.minMinutes)
      .max(MEETING_LIMITS.maxMinutes)
      .meta({ description: 'length of the meeting, 15–120 minutes', example: 30 }),
  })
  .meta({ id: 'MeetingSlot', description: 'A time the meeting could take place: its start and length.' });
export type MeetingSlot = z.infer<typeof MeetingSlotSchema>;

export const MeetingJoinSchema = z
  .strictObject({
    url: z
      .string()
      .nullable()
      .meta({ description: 'the conference link (https)', example: 'https://meet.example.com/cw-5sadrt' }),
    dialIn: z.string().nullable().meta({ description: 'dial-in numbers and codes, as the agent typed them' }),
  })
  .meta({ id: 'MeetingJoin', description: 'How to join: a conference link, dial-in text, or both.' });
export type MeetingJoin = z.infer<typeof MeetingJoinSchema>;

export const MEETING_STATUSES = ['proposed', 'scheduled', 'cancelled', 'expired'] as const;
export type MeetingStatus = (typeof MEETING_STATUSES)[number];

export const MeetingSchema = z
  .strictObject({
    id: z.string().meta({ description: 'the meeting’s id (ULID); the invitation’s UID is built from it' }),
    topic: z.string(),
    join: MeetingJoinSchema,
    slots: z.array(MeetingSlotSchema).meta({ description: 'the times proposed, earliest first' }),
    status: z.enum(MEETING_STATUSES).meta({
      description:
        '`proposed` until the requester picks a slot; `scheduled` once picked; `cancelled` by either side; `expired` when the last proposed slot passed unpicked',
    }),
    scheduled: MeetingSlotSchema.nullable().meta({ description: 'the time it takes place, once picked' }),
    sequence: z.int().min(0).meta({
      description:
        'the invitation’s SEQUENCE: 0 when first scheduled, +1 on every reschedule and on cancelling',
    }),
    organizer: z.string().meta({
      description:
        'the agent who proposed it: their email for staff; a requester sees the name support signs mail with',
    }),
    proposedAt: InstantSchema,
    scheduledAt: InstantSchema.nullable().meta({ description: 'when the current time was picked or set' }),
    remindedAt: InstantSchema.nullable().meta({ description: 'when the reminder went out' }),
    endedAt: InstantSchema.nullable().meta({ description: 'when it was cancelled or expired' }),
  })
  .meta({ id: 'Meeting', description: 'A conference call or live meeting proposed on the case.' });
export type Meeting = z.infer<typeof MeetingSchema>;

/** The slot's end instant. */
export function slotEnd(slot: MeetingSlot): Instant {
  return toInstant(epochOf(slot.start) + slot.durationMinutes * MINUTE_MS);
}

/**
 * Why a slot cannot be offered, in words the agent can act on; null when it can. A slot must start in
 * the future (and within `maxDaysAhead`), on a whole minute, and lie wholly inside support's hours on
 * one working day — the business calendar decides, so weekends, holidays and DST shifts are its own:
 * every millisecond of [start, end) must be business time.
 */
export function slotProblem(slot: MeetingSlot, now: Instant, calendar: BusinessCalendar): string | null {
  const start = epochOf(slot.start);
  const end = epochOf(slotEnd(slot));
  if (start <= epochOf(now)) return 'starts in the past';
  if (start - epochOf(now) > MEETING_LIMITS.maxDaysAhead * DAY_MS)
    return `starts more than ${MEETING_LIMITS.maxDaysAhead} days ahead`;
  if (start % MINUTE_MS !== 0) return 'does not start on a whole minute';
  if (!calendar.isBusinessTime(dateOf(slot.start))) {
    const { opensAtMinute, closesAtMinute, timeZone } = calendar.config;
    // A day off first: Saturday 08:00 is a weekend, not "before opening".
    const day = localDateAt(start, timeZone);
    const opening = instantOf(day, Math.floor(opensAtMinute / 60), opensAtMinute % 60, timeZone);
    if (!calendar.isBusinessTime(new Date(opening))) return 'falls on a weekend or a holiday';
    const local = wallClockAt(start, timeZone);
    const minute = local.hour * 60 + local.minute;
    if (minute < opensAtMinute)
      return `starts before support opens (${clockTime(opensAtMinute)} ${timeZone})`;
    if (minute >= closesAtMinute)
      return `starts after support closes (${clockTime(closesAtMinute)} ${timeZone})`;
    return 'falls on a weekend or a holiday';
  }
  if (calendar.businessMsBetween(dateOf(slot.start), new Date(end)) !== end - start)
    return 'runs past closing time';
  return null;
}

/** `09:00` for 540 minutes after midnight. */
export function clockTime(minuteOfDay: number): string {
  const hh = String(Math.floor(minuteOfDay / 60)).padStart(2, '0');
  return `${hh}:${String(minuteOfDay % 60).padStart(2, '0')}`;
}

/** Problems with a whole proposal's slots, each naming its slot (`slots.1`); empty when it is fine. */
export function slotsProblems(
  slots: readonly MeetingSlot[],
  now: Instant,
  calendar: BusinessCalendar,
): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  if (slots.length < MEETING_LIMITS.minSlots || slots.length > MEETING_LIMITS.maxSlots)
    problems.push({
      field: 'slots',
      message: `propose ${MEETING_LIMITS.minSlots} to ${MEETING_LIMITS.maxSlots} slots`,
    });
  const starts = new Set<number>();
  slots.forEach((slot, i) => {
    const problem = slotProblem(slot, now, calendar);
    if (problem) problems.push({ field: `slots.${i}`, message: `the slot ${problem}` });
    const start = epochOf(slot.start);
    if (starts.has(start))
      problems.push({ field: `slots.${i}`, message: 'the same start is proposed twice' });
    starts.add(start);
  });
  return problems;
}

/** When an unpicked proposal expires: when its last slot starts (nobody can pick it after that). */
export function proposalExpiresAt(m: Meeting): Instant {
  // biome-ignore lint/complexity/useMathMinMax: ISO instants, compared as strings (string order is time order)
  return m.slots.reduce((last, s) => (s.start > last ? s.start : last), m.slots[0]?.start ?? m.proposedAt);
}

/**
 * When a scheduled meeting's reminder is due, or null when it gets none: sent already, not scheduled,
 * or scheduled so late that the invitation itself is the reminder (the time was set within the
 * reminder's lead of the start).
 */
export function reminderDueAt(m: Meeting): Instant | null {
  if (m.status !== 'scheduled' || m.scheduled === null || m.remindedAt !== null || m.scheduledAt === null)
    return null;
  const due = toInstant(epochOf(m.scheduled.start) - MEETING_LIMITS.reminderMinutes * MINUTE_MS);
  return due > m.scheduledAt ? due : null;
}

/** A meeting still to come or to be decided (not cancelled, not expired). */
export const isLiveMeeting = (m: Meeting) => m.status === 'proposed' || m.status === 'scheduled';

interface MeetingTimer {
  meeting: Meeting;
  dueAt: Instant;
  /** What the timer stands for: when the time was set (a reminder), when it was proposed (an expiry). */
  window: Instant;
}

function timerOf(m: Meeting, kind: 'meeting-reminder' | 'meeting-expiry'): MeetingTimer | null {
  if (kind === 'meeting-expiry')
    return m.status === 'proposed' ? { meeting: m, dueAt: proposalExpiresAt(m), window: m.proposedAt } : null;
  const due = reminderDueAt(m);
  return due !== null && m.scheduledAt !== null ? { meeting: m, dueAt: due, window: m.scheduledAt } : null;
}

/**
 * The meeting timer due next, of one kind: the earliest reminder, or the earliest proposal to expire.
 * Like every timer kind, one per case at a time; when it fires, the next one takes its place.
 */
export function nextMeetingTimer(
  c: { meetings: readonly Meeting[] },
  kind: 'meeting-reminder' | 'meeting-expiry',
): MeetingTimer | null {
  let next: MeetingTimer | null = null;
  for (const m of c.meetings) {
    const candidate = timerOf(m, kind);
    if (candidate && (next === null || candidate.dueAt < next.dueAt)) next = candidate;
  }
  return next;
}
