import * as z from 'zod';
import { agentDisplayName } from './agent-name.ts';
import { CHANNELS } from './case.ts';
import { InstantSchema } from './instant.ts';
import { MeetingJoinSchema, MeetingSlotSchema } from './meeting.ts';
import { SeverityLevelSchema } from './severity.ts';
import { CaseStatusSchema } from './status.ts';
import { SurveyRatingsSchema } from './survey.ts';

/*
 * The timeline's events, as zod schemas the types are inferred from: the domain writes them, the store
 * keeps them, and the API document describes them from these same definitions (a union on `type`).
 */

/**
 * Who did something, as the timeline shows it (docs/cases.md#the-timeline: every change says who, when,
 * from → to, why).
 */
export const ActorRoleSchema = z.enum(['seller', 'consumer', 'agent', 'lead', 'system']);
export type ActorRole = z.infer<typeof ActorRoleSchema>;

export const EventActorSchema = z
  .strictObject({
    role: ActorRoleSchema,
    /** Email for people, `casewatch` for the system. */
    id: z.string().meta({
      description:
        'the email of a person, `casewatch` for the system; a requester sees staff by the name support signs mail with ("Alice")',
    }),
  })
  .meta({ id: 'EventActor', description: 'Who made the change.' });
export type EventActor = z.infer<typeof EventActorSchema>;

/** casewatch itself, as the timeline shows its own moves (timers, automatic status changes). */
export const SYSTEM_ACTOR: EventActor = { role: 'system', id: 'casewatch' };

export const VisibilitySchema = z.enum(['public', 'internal']);
export type Visibility = z.infer<typeof VisibilitySchema>;

const DeadlineSchema = z.enum(['first-response', 'next-update']);
const ChannelSchema = z.enum(CHANNELS);

const body = <K extends string, T extends z.ZodRawShape>(type: K, shape: T, description: string) =>
  z.strictObject({ type: z.literal(type), ...shape }).meta({ description });

const BODIES = [
  body(
    'case.opened',
    {
      channel: ChannelSchema,
      /** The severity the case opened at (it may be changed before anyone reads this event). */
      level: SeverityLevelSchema.optional(),
      /** False when the requester must not get an automatic acknowledgment (too many from them this hour). */
      acknowledge: z.boolean().optional(),
    },
    'The case was opened, by the API, mail or the portal.',
  ),
  body(
    'message.posted',
    { visibility: VisibilitySchema, body: z.string(), channel: ChannelSchema },
    'A message on the case; internal ones are staff notes the requester never sees.',
  ),
  body(
    'status.changed',
    {
      from: CaseStatusSchema,
      to: CaseStatusSchema,
      note: z.string().nullable(),
      visibility: VisibilitySchema,
    },
    'The status moved; a public note is customer-visible.',
  ),
  body(
    'severity.changed',
    { from: SeverityLevelSchema, to: SeverityLevelSchema, reason: z.string() },
    'Staff set the severity (confirming the same level is a decision too).',
  ),
  body('assignee.changed', { from: z.string().nullable(), to: z.string() }, 'An agent took the case.'),
  body('escalation.requested', { reason: z.string() }, 'The requester asked for an escalation.'),
  body('workaround.recorded', { note: z.string().nullable() }, 'A workaround or resolution is known.'),
  body(
    'details.added',
    { orderNumber: z.string().optional(), billingDescriptor: z.string().optional() },
    'Required details the case lacked, supplied later (a reply to the "we could not find…" mail).',
  ),
  body(
    'attachment.added',
    {
      attachmentId: z.string(),
      fileName: z.string(),
      contentType: z.string(),
      size: z.int(),
      visibility: VisibilitySchema,
    },
    'A file arrived on the case; internal ones are staff files the requester never sees.',
  ),
  body(
    'sla.met',
    { deadline: DeadlineSchema, level: SeverityLevelSchema.optional() },
    'A deadline was met, at the level the case had then.',
  ),
  body(
    'sla.at_risk',
    { deadline: DeadlineSchema, dueAt: InstantSchema, level: SeverityLevelSchema.optional() },
    'Three quarters of a deadline window have passed.',
  ),
  body(
    'sla.breached',
    { deadline: DeadlineSchema, dueAt: InstantSchema, level: SeverityLevelSchema.optional() },
    'A deadline passed unmet.',
  ),
  body('case.closed', { auto: z.boolean() }, 'The case closed; `auto` when it closed by itself.'),
  body('survey.sent', {}, 'The end-of-case survey went out.'),
  body(
    'mail.bounced',
    {
      recipient: z.string(),
      /** `hard`: the address does not exist or refuses us for good; `soft`: it may accept mail later. */
      bounce: z.enum(['hard', 'soft']),
      /** The kind of mail that bounced (`acknowledgment`, `agent.message`, …), when SES said. */
      notice: z.string().nullable(),
      /** The receiving server's own words, as SES passed them on. */
      diagnostic: z.string().nullable(),
      /** True when the address gets no more mail (a hard bounce). */
      suppressed: z.boolean(),
    },
    'Mail about the case could not be delivered; staff only.',
  ),
  body(
    'mail.complained',
    { recipient: z.string(), notice: z.string().nullable(), suppressed: z.boolean() },
    'The recipient reported mail about the case as spam, and gets no more mail; staff only.',
  ),
  body(
    'meeting.proposed',
    {
      meetingId: z.string(),
      topic: z.string(),
      slots: z.array(MeetingSlotSchema),
      join: MeetingJoinSchema,
    },
    'Support proposed a meeting (docs/meetings.md); the requester picks one of the slots.',
  ),
  body(
    'meeting.scheduled',
    { meetingId: z.string(), slot: MeetingSlotSchema, sequence: z.int() },
    'A slot was picked: both sides got a calendar invitation.',
  ),
  body(
    'meeting.rescheduled',
    { meetingId: z.string(), from: MeetingSlotSchema, to: MeetingSlotSchema, sequence: z.int() },
    'The meeting moved: the invitation was updated (same UID, higher SEQUENCE).',
  ),
  body(
    'meeting.cancelled',
    { meetingId: z.string(), reason: z.string().nullable(), sequence: z.int() },
    'The meeting (or the proposal) was cancelled by either side.',
  ),
  body('meeting.expired', { meetingId: z.string() }, 'The proposal’s last slot passed unpicked.'),
  body(
    'meeting.reminded',
    { meetingId: z.string(), startsAt: InstantSchema },
    'The reminder went out, a quarter of an hour before the start.',
  ),
  body(
    'survey.submitted',
    { ratings: SurveyRatingsSchema, comment: z.string().nullable() },
    'The requester answered the survey.',
  ),
] as const;

/** What an event says, without who, when or which case: what the domain decides. */
export const TimelineEventBodySchema = z.discriminatedUnion('type', BODIES);
export type TimelineEventBody = z.infer<typeof TimelineEventBodySchema>;
export type TimelineEventType = TimelineEventBody['type'];

/** Every timeline event type: the detail-types casewatch publishes, the names a webhook subscribes to. */
export const EVENT_TYPES = (
  TimelineEventBodySchema as unknown as { options: { shape: { type: z.ZodLiteral } }[] }
).options.map((o) => o.shape.type.value as TimelineEventType);

/** Who, when, which case: what every stored event adds to its body. */
const EVENT_STAMP = {
  /** Sortable unique id (ULID): timeline order is id order. */
  id: z.string().meta({ description: 'sortable unique id (ULID): timeline order is id order' }),
  caseId: z.string(),
  at: InstantSchema,
  actor: EventActorSchema,
  caseVersion: z.int().min(1).optional().meta({
    description: 'the case version the write that recorded this event produced (absent on older events)',
  }),
};

export type TimelineEvent = TimelineEventBody & z.infer<z.ZodObject<typeof EVENT_STAMP>>;

/**
 * Every event as the API shows it: its body and who, when, which case, told apart by `type`. Built
 * from the same bodies and stamp the types come from (zod cannot spell the stamped union's type itself).
 */
export const TimelineEventSchema = z
  .discriminatedUnion(
    'type',
    BODIES.map((b) =>
      b.extend(EVENT_STAMP).meta({
        id: `${b.shape.type.value.replace(/(^|[._])(\w)/g, (_m, _s, c: string) => c.toUpperCase())}Event`,
        description: z.globalRegistry.get(b)?.description,
      }),
    ) as unknown as [z.ZodObject, ...z.ZodObject[]],
  )
  .meta({
    id: 'TimelineEvent',
    description: 'One entry of a case timeline, told apart by `type`.',
  }) as unknown as z.ZodType<TimelineEvent>;

/** The schema of one event type, stamped as the API shows it (its own component in the API document). */
export function eventSchemaOf(type: TimelineEventType): z.ZodObject {
  const variant = (TimelineEventSchema as unknown as { options: z.ZodObject[] }).options.find(
    (o) => (o.shape.type as z.ZodLiteral).value === type,
  );
  if (!variant) throw new RangeError(`no timeline event type ${type}`);
  return variant;
}

/**
 * What the requester may see: their own and public messages and files, and the case's customer-visible
 * life. Internal notes and files, internal status notes and SLA bookkeeping stay with the support team.
 */
export function isPublicEvent(e: TimelineEvent): boolean {
  switch (e.type) {
    case 'message.posted':
    case 'attachment.added':
      return e.visibility === 'public';
    case 'status.changed':
      return true;
    case 'sla.met':
    case 'sla.at_risk':
    case 'sla.breached':
    case 'workaround.recorded':
    case 'severity.changed':
    case 'assignee.changed':
    case 'mail.bounced':
    case 'mail.complained':
      return false;
    default:
      return true;
  }
}

/**
 * The requester's view of a public event: a status change's note only when the agent made it public, and
 * the support team named as support signs mail ("Alice"), never by an internal address.
 */
export function publicView(e: TimelineEvent): TimelineEvent {
  const staff = e.actor.role === 'agent' || e.actor.role === 'lead';
  const seen = staff ? { ...e, actor: { ...e.actor, id: agentDisplayName(e.actor.id) } } : e;
  if (seen.type === 'status.changed' && seen.visibility === 'internal') return { ...seen, note: null };
  return seen;
}
