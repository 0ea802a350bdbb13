import type { Case } from '../case.ts';
import type { Instant } from '../instant.ts';
import {
  isLiveMeeting,
  MEETING_LIMITS,
  type Meeting,
  type MeetingJoin,
  type MeetingSlot,
  nextMeetingTimer,
} from '../meeting.ts';
import type { SlaPolicy } from '../sla-policy.ts';
import type { EventActor } from '../timeline.ts';
import { SYSTEM_ACTOR } from '../timeline.ts';
import { type DecidedEvent, type Outcome, type Refusal, refuseIfClosed } from './decision.ts';
import { givePublicUpdate } from './public-update.ts';

/*
 * The meeting changes (docs/meetings.md). Slots are checked against the business calendar before any of
 * these is called (`slotsProblems`): what is decided here is what the case and the meeting allow.
 */

export interface ProposeMeeting {
  id: string;
  topic: string;
  join: MeetingJoin;
  slots: MeetingSlot[];
  /** The agent's address: the invitation's organizer. */
  organizer: string;
}

const byStart = (a: MeetingSlot, b: MeetingSlot) => a.start.localeCompare(b.start);

function withMeeting(c: Case, m: Meeting): Case {
  return { ...c, meetings: c.meetings.map((x) => (x.id === m.id ? m : x)) };
}

/** The meeting, or a refusal a caller can show; `undefined` when the case has no such meeting. */
export function meetingOf(c: Case, meetingId: string): Meeting | undefined {
  return c.meetings.find((m) => m.id === meetingId);
}

const ended = (m: Meeting): Refusal => ({
  refused: 'done',
  detail:
    m.status === 'expired' ? 'this proposal expired: its last slot has passed' : 'this meeting was cancelled',
});

/** The meeting a change acts on, if the case and the meeting still take changes; else why not. */
function liveMeeting(c: Case, meetingId: string): Meeting | Refusal {
  const closed = refuseIfClosed(c);
  if (closed) return closed;
  const m = meetingOf(c, meetingId);
  if (!m) return { refused: 'not-allowed', detail: 'no such meeting on this case' };
  return isLiveMeeting(m) ? m : ended(m);
}

const isRefused = (x: Meeting | Refusal): x is Refusal => 'refused' in x;

/**
 * An agent proposes a meeting: a public event that counts as an update to the customer (it meets a
 * first response or the update it answers), with the slots sorted by start.
 */
export function proposeMeeting(c: Case, command: ProposeMeeting, at: Instant, policy: SlaPolicy): Outcome {
  const closed = refuseIfClosed(c);
  if (closed) return closed;
  if (c.meetings.length >= MEETING_LIMITS.maxPerCase)
    return {
      refused: 'not-allowed',
      detail: `a case keeps at most ${MEETING_LIMITS.maxPerCase} meetings; cancel or finish one on a new case`,
    };
  const slots = [...command.slots].sort(byStart);
  const meeting: Meeting = {
    id: command.id,
    topic: command.topic,
    join: command.join,
    slots,
    status: 'proposed',
    scheduled: null,
    sequence: 0,
    organizer: command.organizer,
    proposedAt: at,
    scheduledAt: null,
    remindedAt: null,
    endedAt: null,
  };
  const next: Case = { ...c, meetings: [...c.meetings, meeting] };
  const update = givePublicUpdate(next, at, policy);
  return {
    case: { ...next, sla: update.sla },
    events: [
      { type: 'meeting.proposed', meetingId: meeting.id, topic: meeting.topic, slots, join: meeting.join },
      ...update.events,
    ],
  };
}

/**
 * The requester picks one of the proposed slots. Picking the slot already picked is no change (the
 * link may be clicked twice); another slot once one is picked, a slot that has started, or a proposal
 * that ended is refused.
 */
export function pickSlot(c: Case, meetingId: string, start: Instant, at: Instant, by: EventActor): Outcome {
  const m = liveMeeting(c, meetingId);
  if (isRefused(m)) return m;
  if (m.status === 'scheduled') {
    return m.scheduled?.start === start
      ? { refused: 'unchanged', detail: 'this slot is already picked' }
      : { refused: 'done', detail: 'a slot is already picked; reschedule the meeting to move it' };
  }
  const slot = m.slots.find((s) => s.start === start);
  if (!slot) return { refused: 'not-allowed', detail: 'that time is not one of the slots proposed' };
  if (slot.start <= at) return { refused: 'not-allowed', detail: 'that slot has already started' };
  const picked: Meeting = { ...m, status: 'scheduled', scheduled: slot, scheduledAt: at, sequence: 0 };
  return {
    case: withMeeting(c, picked),
    events: [{ type: 'meeting.scheduled', meetingId, slot, sequence: 0, actor: by }],
  };
}

/** Either side moves a scheduled meeting to a new time (checked against the calendar by the caller). */
export function rescheduleMeeting(
  c: Case,
  meetingId: string,
  slot: MeetingSlot,
  at: Instant,
  by: EventActor,
): Outcome {
  const m = liveMeeting(c, meetingId);
  if (isRefused(m)) return m;
  if (m.status !== 'scheduled' || m.scheduled === null)
    return { refused: 'not-allowed', detail: 'no slot is picked yet: pick one of the proposed slots' };
  if (m.scheduled.start === slot.start && m.scheduled.durationMinutes === slot.durationMinutes)
    return { refused: 'unchanged', detail: 'the meeting is at that time already' };
  const sequence = m.sequence + 1;
  const moved: Meeting = { ...m, scheduled: slot, scheduledAt: at, remindedAt: null, sequence };
  return {
    case: withMeeting(c, moved),
    events: [{ type: 'meeting.rescheduled', meetingId, from: m.scheduled, to: slot, sequence, actor: by }],
  };
}

/** Either side calls off a proposal or a scheduled meeting; a scheduled one gets a CANCEL invitation. */
export function cancelMeeting(
  c: Case,
  meetingId: string,
  reason: string | null,
  at: Instant,
  by: EventActor,
): Outcome {
  const m = liveMeeting(c, meetingId);
  if (isRefused(m)) return m;
  const sequence = m.status === 'scheduled' ? m.sequence + 1 : m.sequence;
  const cancelled: Meeting = { ...m, status: 'cancelled', sequence, endedAt: at };
  return {
    case: withMeeting(c, cancelled),
    events: [{ type: 'meeting.cancelled', meetingId, reason, sequence, actor: by }],
  };
}

/** A meeting timer fell due: the reminder is recorded (the stream mails it), or the proposal expires. */
export function settleMeetingTimer(
  c: Case,
  kind: 'meeting-reminder' | 'meeting-expiry',
  window: Instant,
  at: Instant,
): { case: Case; events: DecidedEvent[] } {
  const next = nextMeetingTimer(c, kind);
  if (!next || next.window !== window) return { case: c, events: [] };
  const m = next.meeting;
  if (kind === 'meeting-reminder') {
    // Recorded even when settled after the start (timers were down): the stream sends no late reminder.
    const startsAt = m.scheduled?.start ?? next.dueAt;
    return {
      case: withMeeting(c, { ...m, remindedAt: at }),
      events: [{ type: 'meeting.reminded', meetingId: m.id, startsAt, actor: SYSTEM_ACTOR }],
    };
  }
  return {
    case: withMeeting(c, { ...m, status: 'expired', endedAt: at }),
    events: [{ type: 'meeting.expired', meetingId: m.id, actor: SYSTEM_ACTOR }],
  };
}

/** Why casewatch itself cancels a meeting: the case it was about closed. */
export const CLOSED_CASE_REASON = 'the case was closed';

/**
 * A case that closes calls off its live meetings in the same write (docs/meetings.md#moving-and-cancelling):
 * a closed case takes no further change, so nobody could cancel them later, and both calendars would keep
 * a meeting about nothing. Scheduled ones get a CANCEL (SEQUENCE + 1); proposals are withdrawn.
 */
export function endMeetingsOfClosedCase(c: Case, at: Instant): { case: Case; events: DecidedEvent[] } {
  if (c.status !== 'closed' || !c.meetings.some(isLiveMeeting)) return { case: c, events: [] };
  const events: DecidedEvent[] = [];
  const meetings = c.meetings.map((m) => {
    if (!isLiveMeeting(m)) return m;
    const sequence = m.status === 'scheduled' ? m.sequence + 1 : m.sequence;
    events.push({
      type: 'meeting.cancelled',
      meetingId: m.id,
      reason: CLOSED_CASE_REASON,
      sequence,
      actor: SYSTEM_ACTOR,
    });
    return { ...m, status: 'cancelled' as const, sequence, endedAt: at };
  });
  return { case: { ...c, meetings }, events };
}
