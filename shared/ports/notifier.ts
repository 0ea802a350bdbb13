import type { Case } from '../domain/case.ts';
import type { Instant } from '../domain/instant.ts';
import type { Meeting } from '../domain/meeting.ts';
import type { CaseStatus } from '../domain/status.ts';

type Deadline = 'first-response' | 'next-update';

/**
 * Internal notices to the support team (docs/mail.md#internal-notices). `eventId` names the timeline event
 * the notice tells of: with the notice's kind it is the notice's identity, so a replayed event sends nothing
 * twice.
 */
export type InternalNotice =
  | { kind: 'sla.at_risk'; eventId: string; case: Case; deadline: Deadline; dueAt: Instant }
  | {
      kind: 'sla.breached';
      eventId: string;
      case: Case;
      deadline: Deadline;
      dueAt: Instant;
      breachedAt: Instant;
    }
  /** A requester asked for an escalation: the leads hear of it. */
  | { kind: 'escalation.requested'; eventId: string; case: Case; reason: string }
  /** A customer wrote on a waiting case (pending closure, on hold), which reopened it: the assignee hears of it. */
  | { kind: 'customer.replied'; eventId: string; case: Case; from: CaseStatus }
  /** The organizer's copy of a meeting's invitation (docs/meetings.md#invitations). */
  | {
      kind: 'meeting.staff-invitation';
      eventId: string;
      case: Case;
      meeting: Meeting;
      method: InvitationMethod;
      /** Why it was cancelled, when staff said so. */
      reason?: string | null;
    }
  | { kind: 'meeting.staff-reminder'; eventId: string; case: Case; meeting: Meeting }
  /** Nobody picked a slot before the last one passed: the organizer hears of it. */
  | { kind: 'meeting.expired'; eventId: string; case: Case; meeting: Meeting };

/** A calendar invitation's iTIP method: a new or moved meeting, or its cancellation. */
export type InvitationMethod = 'REQUEST' | 'CANCEL';

/**
 * Mail to the requester (docs/mail.md#customer-mail). Dates are computed by the caller, so templates stay
 * pure. `requesterText`: whether the mail may repeat what the requester typed (the case's subject) — only
 * to an address that has written to us or a seller's (`mayQuoteRequester`, docs/mail.md#who-gets-what).
 */
export type CustomerNotice = { requesterText: boolean } & (
  | {
      kind: 'acknowledgment';
      eventId: string;
      case: Case;
      firstResponseDueAt: Instant;
      /** Required fields the case still lacks (a consumer mail without an order number…), in words. */
      missing: string[];
      /** The closed case this one follows up, when a message on a closed case opened it. */
      relatedCaseNumber: string | null;
    }
  | {
      kind: 'agent.message';
      eventId: string;
      case: Case;
      body: string;
      /** The agent's address; templates decide how much of it to show. */
      author: string;
    }
  | { kind: 'pending-closure'; eventId: string; case: Case; autoCloseAt: Instant; note: string | null }
  | { kind: 'closure'; eventId: string; case: Case; auto: boolean }
  | { kind: 'survey'; eventId: string; case: Case; surveyToken: string }
  /** Support proposes a meeting: the slots in words, each with the signed link that picks it. */
  | { kind: 'meeting.proposal'; eventId: string; case: Case; meeting: Meeting; linkToken: string }
  | {
      kind: 'meeting.invitation';
      eventId: string;
      case: Case;
      meeting: Meeting;
      method: InvitationMethod;
      /** Why it was cancelled, when staff said so (a requester's words go to no one's inbox). */
      reason?: string | null;
    }
  | { kind: 'meeting.reminder'; eventId: string; case: Case; meeting: Meeting }
);

export type Notice = InternalNotice | CustomerNotice;

/** Who reads a notice: the requester (customer notices say whether they carry the requester's text) or the team. */
export function audienceOf(notice: Notice): 'customer' | 'internal' {
  return 'requesterText' in notice ? 'customer' : 'internal';
}

/**
 * Sends notices. Implementations are idempotent per (eventId, kind): the stream delivers at least
 * once, and a redelivered event must not send a second mail.
 */
export interface Notifier {
  notify(notice: Notice): Promise<void>;
}
