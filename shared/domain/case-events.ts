import * as z from 'zod';
import { agentDisplayName } from './agent-name.ts';
import type { Case } from './case.ts';
import { InstantSchema } from './instant.ts';
import { SeverityLevelSchema } from './severity.ts';
import { CaseStatusSchema } from './status.ts';
import {
  EVENT_TYPES,
  eventSchemaOf,
  isPublicEvent,
  publicView,
  type TimelineEvent,
  TimelineEventSchema,
  type TimelineEventType,
  VisibilitySchema,
} from './timeline.ts';

/*
 * Case events as casewatch publishes them (docs/integrations.md): one per timeline event, on the
 * EventBridge bus and to webhooks, in one versioned shape built from the timeline's own schemas.
 */

/** EventBridge `source` of everything casewatch publishes. */
export const EVENT_SOURCE = 'casewatch';
/** The `detail`'s schema version: a breaking change to the shape gets a new one. */
export const EVENT_SCHEMA_VERSION = '1';

/** What a subscriber learns of the case with each event: enough to route it without calling back. */
export const PublishedCaseSchema = z
  .strictObject({
    id: z.string(),
    number: z.string(),
    type: z.enum(['seller', 'consumer']),
    status: CaseStatusSchema,
    level: SeverityLevelSchema,
    subject: z.string(),
    requesterEmail: z.string().nullable(),
    sellerId: z.string().nullable(),
    assignee: z.string().nullable(),
    version: z.int().min(1).meta({ description: 'the case version this state is; ≥ `caseVersion`' }),
    updatedAt: InstantSchema,
  })
  .meta({ id: 'PublishedCase', description: 'The case as it stands after the event.' });
export type PublishedCase = z.infer<typeof PublishedCaseSchema>;

const detailOf = (event: z.ZodType) =>
  z.strictObject({
    schemaVersion: z.literal(EVENT_SCHEMA_VERSION),
    id: z.string().meta({
      description: 'the timeline event’s id (a ULID): the same on every delivery, drop what you have seen',
    }),
    type: z.enum(EVENT_TYPES),
    caseId: z.string(),
    caseVersion: z.int().min(1).nullable().meta({
      description:
        'the case version this event produced: order a case’s events by it (null for events stored before it was recorded)',
    }),
    at: InstantSchema,
    visibility: VisibilitySchema.meta({
      description: '`internal` events (staff notes, SLA bookkeeping) go to internal subscribers only',
    }),
    event,
    case: PublishedCaseSchema,
  });

/** The `detail` of any published event; each detail-type narrows `event` to its own variant. */
export const CaseEventDetailSchema = detailOf(TimelineEventSchema).meta({ id: 'CaseEventDetail' });
export type CaseEventDetail = Omit<z.infer<typeof CaseEventDetailSchema>, 'event' | 'type'> & {
  type: TimelineEventType;
  event: TimelineEvent;
};

/** The schema of one detail-type's `detail`: the same envelope, `event` of that type only. */
export function detailSchemaOf(type: TimelineEventType): z.ZodType {
  return detailOf(eventSchemaOf(type)).extend({ type: z.literal(type) });
}

export function publishedCase(c: Case): PublishedCase {
  return {
    id: c.id,
    number: c.number,
    type: c.type,
    status: c.status,
    level: c.severity.level,
    subject: c.subject,
    requesterEmail: c.requester.email,
    sellerId: c.requester.sellerId,
    assignee: c.assignee,
    version: c.version,
    updatedAt: c.updatedAt,
  };
}

/** The detail published for a timeline event with the case after it. */
export function caseEventDetail(e: TimelineEvent, c: Case): CaseEventDetail {
  return {
    schemaVersion: EVENT_SCHEMA_VERSION,
    id: e.id,
    type: e.type,
    caseId: e.caseId,
    caseVersion: e.caseVersion ?? null,
    at: e.at,
    visibility: isPublicEvent(e) ? 'public' : 'internal',
    event: e,
    case: publishedCase(c),
  };
}

/**
 * What an external subscriber may see of a detail (docs/integrations.md#who-sees-what): nothing of an
 * internal event, a public status change without its internal note, and staff by name, as the requester
 * sees them; null when it sees nothing.
 */
export function externalView(detail: CaseEventDetail): CaseEventDetail | null {
  if (detail.visibility === 'internal') return null;
  const assignee = detail.case.assignee === null ? null : agentDisplayName(detail.case.assignee);
  return { ...detail, event: publicView(detail.event), case: { ...detail.case, assignee } };
}
