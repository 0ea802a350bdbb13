import { agentDisplayName } from '../domain/agent-name.ts';
import type { Case } from '../domain/case.ts';
import type { Outcome } from '../domain/changes/decision.ts';
import * as decisions from '../domain/changes/meeting.ts';
import { requesterActor } from '../domain/changes/survey.ts';
import { type Instant, toInstant } from '../domain/instant.ts';
import {
  clockTime,
  type Meeting,
  type MeetingJoin,
  type MeetingSlot,
  type MeetingStatus,
  slotEnd,
  slotProblem,
  slotsProblems,
} from '../domain/meeting.ts';
import type { MeetingLinks } from '../ports/meeting-links.ts';
import type { Actor } from './actor.ts';
import { eventActor, isRequester } from './case-access.ts';
import { changeCase } from './change-case.ts';
import type { CoreDeps } from './deps.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from './errors.ts';

/*
 * Meetings on a case (docs/meetings.md): staff propose, the requester picks (in the portal or by the
 * mailed link), either side reschedules or cancels. Invitations and reminders follow from the events
 * these write (the stream reaction), like every other mail.
 */

export type MeetingDeps = CoreDeps & { meetingLinks: MeetingLinks };

export interface ProposeMeetingInput {
  topic: string;
  join: MeetingJoin;
  slots: MeetingSlot[];
}

export interface MeetingChange {
  meeting: Meeting;
  case: Case;
}

function meetingIn(c: Case, meetingId: string): Meeting {
  const m = decisions.meetingOf(c, meetingId);
  if (!m) throw new NotFoundError(`no meeting ${meetingId} on case ${c.number}`);
  return m;
}

/** Staff, or the requester: whoever the meeting is between. */
function mayTakePart(actor: Actor, c: Case): void {
  if (actor.kind !== 'staff' && !isRequester(actor, c))
    throw new ForbiddenError('only the requester and support take part in a meeting');
}

function refuseBadSlots(slots: readonly MeetingSlot[], now: Instant, deps: CoreDeps): void {
  const problems = slotsProblems(slots, now, deps.policy.calendar);
  if (problems.length > 0)
    throw new ValidationError(
      `every slot must lie inside support hours (${hoursInWords(deps)}), in the future`,
      problems,
    );
}

function hoursInWords(deps: CoreDeps): string {
  const { opensAtMinute, closesAtMinute, timeZone } = deps.policy.calendar.config;
  return `${clockTime(opensAtMinute)}–${clockTime(closesAtMinute)} ${timeZone} on working days`;
}

/** An agent or lead proposes 1–5 slots inside support hours; the proposal is an update to the customer. */
export async function proposeMeeting(
  deps: CoreDeps,
  actor: Actor,
  caseId: string,
  input: ProposeMeetingInput,
  ifMatch?: number,
): Promise<MeetingChange> {
  refuseBadSlots(input.slots, toInstant(deps.clock.now()), deps);
  const id = deps.ids.next();
  const result = await changeCase(deps, actor, caseId, ifMatch, (c, now) => {
    if (actor.kind !== 'staff') throw new ForbiddenError('only agents and leads propose meetings');
    return decisions.proposeMeeting(c, { id, ...input, organizer: actor.email }, now, deps.policy);
  });
  return { meeting: meetingIn(result.case, id), case: result.case };
}

/**
 * One change to one meeting on the case, by either side: the caller must take part in the case and the
 * meeting must be on it, then `decide` says what changes, in the name of whoever acts.
 */
async function changeMeeting(
  deps: CoreDeps,
  actor: Actor,
  caseId: string,
  meetingId: string,
  ifMatch: number | undefined,
  decide: (c: Case, now: Instant, by: ReturnType<typeof eventActor>) => Outcome,
): Promise<MeetingChange> {
  const result = await changeCase(deps, actor, caseId, ifMatch, (c, now) => {
    mayTakePart(actor, c);
    meetingIn(c, meetingId);
    return decide(c, now, eventActor(actor, c));
  });
  return { meeting: meetingIn(result.case, meetingId), case: result.case };
}

/**
 * Picks a proposed slot (the requester, or staff for them after a call). Picking the slot already
 * picked answers the meeting as it is: the link may be clicked twice, the page reloaded.
 */
export async function pickMeetingSlot(
  deps: CoreDeps,
  actor: Actor,
  caseId: string,
  meetingId: string,
  start: Instant,
  ifMatch?: number,
): Promise<MeetingChange> {
  try {
    return await changeMeeting(deps, actor, caseId, meetingId, ifMatch, (c, now, by) =>
      decisions.pickSlot(c, meetingId, start, now, by),
    );
  } catch (error) {
    const refused = error instanceof ConflictError ? error.refused : undefined;
    if (refused?.refusal.refused === 'unchanged')
      return { meeting: meetingIn(refused.case, meetingId), case: refused.case };
    throw error;
  }
}

/** Either side moves a scheduled meeting to a new time inside support hours. */
export async function rescheduleMeeting(
  deps: CoreDeps,
  actor: Actor,
  caseId: string,
  meetingId: string,
  slot: MeetingSlot,
  ifMatch?: number,
): Promise<MeetingChange> {
  const problem = slotProblem(slot, toInstant(deps.clock.now()), deps.policy.calendar);
  if (problem)
    throw new ValidationError(`the new time ${problem}; support hours are ${hoursInWords(deps)}`, [
      { field: 'start', message: `the new time ${problem}` },
    ]);
  return changeMeeting(deps, actor, caseId, meetingId, ifMatch, (c, now, by) =>
    decisions.rescheduleMeeting(c, meetingId, slot, now, by),
  );
}

/** Either side calls off a proposal or a scheduled meeting. */
export async function cancelMeeting(
  deps: CoreDeps,
  actor: Actor,
  caseId: string,
  meetingId: string,
  reason: string | null,
  ifMatch?: number,
): Promise<MeetingChange> {
  return changeMeeting(deps, actor, caseId, meetingId, ifMatch, (c, now, by) =>
    decisions.cancelMeeting(c, meetingId, reason, now, by),
  );
}

/** What the mailed link's page shows (docs/meetings.md#the-link). */
export interface MeetingLinkView {
  caseNumber: string;
  topic: string;
  status: MeetingStatus;
  /** Who proposed it, as support signs mail (`Alice`): a requester never sees an agent's address. */
  organizerName: string;
  slots: { start: Instant; end: Instant; durationMinutes: number; open: boolean }[];
  scheduled: { start: Instant; end: Instant; durationMinutes: number } | null;
  join: MeetingJoin;
}

/** The link holder acts for the requester: access is casewatch's own, the event names the requester. */
const LINK_HOLDER: Actor = { kind: 'system' };

/** One answer for every kind of bad link, so a guess learns nothing about which cases exist. */
export const noMeeting = () => new NotFoundError('no meeting at this link; it may have been withdrawn');

async function linkTarget(deps: MeetingDeps, token: string) {
  const target = await deps.meetingLinks.verify(token);
  if (target === null) throw noMeeting();
  return target;
}

function linkView(c: Case, m: Meeting, now: Instant): MeetingLinkView {
  const withEnd = (s: MeetingSlot) => ({
    start: s.start,
    end: slotEnd(s),
    durationMinutes: s.durationMinutes,
  });
  return {
    caseNumber: c.number,
    topic: m.topic,
    status: m.status,
    organizerName: agentDisplayName(m.organizer),
    slots: m.slots.map((s) => ({ ...withEnd(s), open: m.status === 'proposed' && s.start > now })),
    scheduled: m.scheduled ? withEnd(m.scheduled) : null,
    join: m.join,
  };
}

/** The meeting behind a mailed link; a forged or expired link, or a meeting not on the case, is a 404. */
export async function readMeetingByLink(deps: MeetingDeps, token: string): Promise<MeetingLinkView> {
  const { caseId, meetingId } = await linkTarget(deps, token);
  const c = await deps.store.get(caseId);
  const m = c ? decisions.meetingOf(c, meetingId) : undefined;
  if (!c || !m) throw noMeeting();
  return linkView(c, m, toInstant(deps.clock.now()));
}

/** Picks a slot by the mailed link, as the requester; idempotent like the portal's pick. */
export async function pickByLink(deps: MeetingDeps, token: string, start: Instant): Promise<MeetingLinkView> {
  const { caseId, meetingId } = await linkTarget(deps, token);
  const decide = (c: Case, now: Instant) => {
    if (!decisions.meetingOf(c, meetingId)) throw noMeeting();
    return decisions.pickSlot(c, meetingId, start, now, requesterActor(c));
  };
  try {
    const result = await changeCase(deps, LINK_HOLDER, caseId, undefined, decide);
    return linkView(result.case, meetingIn(result.case, meetingId), toInstant(deps.clock.now()));
  } catch (error) {
    if (error instanceof NotFoundError) throw noMeeting();
    const refused = error instanceof ConflictError ? error.refused : undefined;
    if (refused?.refusal.refused === 'unchanged')
      return linkView(refused.case, meetingIn(refused.case, meetingId), toInstant(deps.clock.now()));
    throw error;
  }
}
