import type { Channel } from './case.ts';
import type { Instant } from './instant.ts';
import type { SeverityLevel } from './severity.ts';
import type { CaseStatus } from './status.ts';
import type { SurveyRatings } from './survey.ts';

/**
 * Who did something, as the timeline shows it (docs/cases.md#the-timeline: every change says who, when, from
 * → to, why).
 */
export type ActorRole = 'seller' | 'consumer' | 'agent' | 'lead' | 'system';

export interface EventActor {
  role: ActorRole;
  /** Email for people, `casewatch` for the system. */
  id: string;
}

/** casewatch itself, as the timeline shows its own moves (timers, automatic status changes). */
export const SYSTEM_ACTOR: EventActor = { role: 'system', id: 'casewatch' };

export type Visibility = 'public' | 'internal';

export type TimelineEventBody =
  | {
      type: 'case.opened';
      channel: Channel;
      /** The severity the case opened at (it may be changed before anyone reads this event). */
      level?: SeverityLevel;
      /** False when the requester must not get an automatic acknowledgment (too many from them this hour). */
      acknowledge?: boolean;
    }
  | { type: 'message.posted'; visibility: Visibility; body: string; channel: Channel }
  | { type: 'status.changed'; from: CaseStatus; to: CaseStatus; note: string | null; visibility: Visibility }
  | { type: 'severity.changed'; from: SeverityLevel; to: SeverityLevel; reason: string }
  | { type: 'assignee.changed'; from: string | null; to: string }
  | { type: 'escalation.requested'; reason: string }
  | { type: 'workaround.recorded'; note: string | null }
  /** Required details the case lacked, supplied later (a reply to the "we could not find…" mail). */
  | { type: 'details.added'; orderNumber?: string; billingDescriptor?: string }
  | { type: 'attachment.added'; attachmentId: string; fileName: string; contentType: string; size: number }
  /** `level`: the case's severity when it happened (metrics count it there, whatever changes later). */
  | { type: 'sla.met'; deadline: 'first-response' | 'next-update'; level?: SeverityLevel }
  | { type: 'sla.at_risk'; deadline: 'first-response' | 'next-update'; dueAt: Instant; level?: SeverityLevel }
  | {
      type: 'sla.breached';
      deadline: 'first-response' | 'next-update';
      dueAt: Instant;
      level?: SeverityLevel;
    }
  | { type: 'case.closed'; auto: boolean }
  | { type: 'survey.sent' }
  | { type: 'survey.submitted'; ratings: SurveyRatings; comment: string | null };

export type TimelineEventType = TimelineEventBody['type'];

export type TimelineEvent = TimelineEventBody & {
  /** Sortable unique id (ULID): timeline order is id order. */
  id: string;
  caseId: string;
  at: Instant;
  actor: EventActor;
};

/**
 * What the requester may see: their own and public messages and the case's customer-visible life.
 * Internal notes, internal status notes and SLA bookkeeping stay with the support team.
 */
export function isPublicEvent(e: TimelineEvent): boolean {
  switch (e.type) {
    case 'message.posted':
      return e.visibility === 'public';
    case 'status.changed':
      return true;
    case 'sla.met':
    case 'sla.at_risk':
    case 'sla.breached':
    case 'workaround.recorded':
    case 'severity.changed':
    case 'assignee.changed':
      return false;
    default:
      return true;
  }
}

/** The requester's view of a public status change: its note only when the agent made it public. */
export function publicView(e: TimelineEvent): TimelineEvent {
  if (e.type === 'status.changed' && e.visibility === 'internal') return { ...e, note: null };
  return e;
}
