import * as z from 'zod';
import { CaseViewSchema } from '../app/case-view.ts';
import { EmailAddressSchema } from '../domain/case.ts';
import { InstantSchema } from '../domain/instant.ts';
import { MEETING_STATUSES, MeetingJoinSchema, MeetingSchema } from '../domain/meeting.ts';
import { SeverityLevelSchema } from '../domain/severity.ts';
import { BACKLOG_STATUSES, CaseStatusSchema } from '../domain/status.ts';
import { SURVEY_QUESTIONS, SurveyRatingsSchema } from '../domain/survey.ts';
import { EVENT_TYPES, eventSchemaOf, TimelineEventSchema } from '../domain/timeline.ts';
import { WebhookSchema } from '../domain/webhook.ts';
import { PROBLEM_TYPE_URIS } from './problem.ts';

/*
 * What the API answers, as zod schemas: the API document describes them (`api-contract.ts`), the
 * handlers are typed by them (`jsonAs`), and the end-to-end tests check every answer against them.
 */

/** RFC 9457 problem details: the body of every error casewatch itself answers. */
export const ProblemSchema = z
  .strictObject({
    type: z.enum(PROBLEM_TYPE_URIS).meta({
      description: 'the kind of problem, one per status',
      example: 'https://casewatch.dev/problems/invalid-request',
    }),
    title: z.string(),
    status: z.int().min(400).max(599),
    detail: z.string().meta({ description: 'what went wrong, in words' }),
    errors: z
      .array(
        z.strictObject({
          field: z.string().meta({ description: 'dotted path of the field, e.g. `requester.email`' }),
          message: z.string(),
        }),
      )
      .optional()
      .meta({ description: 'for a 400: one entry per invalid field' }),
    allowed: z
      .array(CaseStatusSchema)
      .optional()
      .meta({ description: 'for a status move the case refused (409): the moves still allowed from here' }),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details (`application/problem+json`).' });

/**
 * What API Gateway itself answers before a function runs (its JWT authorizer, an unknown route, a
 * body over 10 MiB, a function that crashed): a body casewatch cannot change.
 */
export const GatewayMessageSchema = z
  .strictObject({
    message: z.enum(['Unauthorized', 'Not Found', 'Request Entity Too Large', 'Internal Server Error']),
  })
  .meta({ id: 'GatewayMessage', description: 'API Gateway’s own answer (not problem+json).' });

const cursor = z.string().nullable().meta({
  description: 'opaque; send it back as `cursor` (same filters) for the next page, null on the last',
});

export const CasePageSchema = z
  .strictObject({ items: z.array(CaseViewSchema), cursor })
  .meta({ id: 'CasePage', description: 'A page of cases, earliest open deadline first.' });

export const EventPageSchema = z
  .strictObject({ items: z.array(TimelineEventSchema), cursor })
  .meta({ id: 'EventPage', description: 'A page of a timeline, oldest first.' });

/** A new case; a buyer also gets the case token that opens it (and only it). */
export const CreatedCaseSchema = CaseViewSchema.extend({
  caseToken: z.string().optional().meta({
    description: 'consumer cases: send it as `X-Case-Token` to act on this case; it does not expire',
  }),
}).meta({ id: 'CreatedCase' });

/** A message landed on its case. */
const PostedMessageSchema = z.strictObject({
  message: eventSchemaOf('message.posted'),
  case: CaseViewSchema,
});

/** The case was closed: the requester's message opened a new case linked to it. */
const FollowUpCaseSchema = z.strictObject({
  message: z.null(),
  case: CaseViewSchema.meta({ description: 'the new case, whose `relatedCaseId` is the closed one' }),
  caseToken: z.string().optional().meta({ description: 'consumer cases: the new case’s token' }),
  notice: z.string().meta({ description: 'what happened, in words for the requester' }),
});

export const MessageAnswerSchema = z
  .union([PostedMessageSchema, FollowUpCaseSchema])
  .meta({ id: 'MessageAnswer', description: 'The message on its case, or the follow-up case it opened.' });

export const UploadSchema = z
  .strictObject({
    attachmentId: z.string(),
    uploadUrl: z.url().meta({ description: 'PUT the bytes here, with the declared content type and size' }),
    expiresAt: InstantSchema,
  })
  .meta({ id: 'Upload', description: 'Where to upload one file, until when.' });

export const AttachmentDownloadSchema = z
  .strictObject({
    attachmentId: z.string(),
    fileName: z.string().meta({ description: 'the name the file is saved under' }),
    contentType: z.string(),
    size: z.int().min(0).meta({ description: 'bytes' }),
    url: z.url().meta({
      description:
        'GET the file here until `expiresAt`: it answers with the stored type and `Content-Disposition: attachment` naming the file',
    }),
    expiresAt: InstantSchema,
  })
  .meta({
    id: 'AttachmentDownload',
    description: 'One file of a case, and where to fetch it for the next 15 minutes.',
  });

const SURVEY_TOPICS = SURVEY_QUESTIONS.map((q) => q.topic) as [string, ...string[]];

export const SurveyViewSchema = z
  .strictObject({
    caseNumber: z.string(),
    subject: z.string(),
    questions: z.array(z.strictObject({ topic: z.enum(SURVEY_TOPICS), question: z.string() })),
    scale: z.strictObject({ min: z.literal(1), max: z.literal(5) }),
    submitted: z.boolean().meta({ description: 'the survey takes one answer; true once it has it' }),
  })
  .meta({ id: 'Survey', description: 'The survey behind a link.' });

export const SurveySubmittedSchema = z
  .strictObject({ submitted: z.literal(true), caseNumber: z.string() })
  .meta({ id: 'SurveySubmitted' });

const count = z.int().min(0);

const ComplianceWindowSchema = z
  .strictObject({
    since: InstantSchema.meta({ description: 'the start of the window’s first hour (UTC)' }),
    levels: z.array(
      z.strictObject({
        level: SeverityLevelSchema,
        met: count.meta({
          description: 'first responses (or updates) given before their deadline was breached',
        }),
        breached: count.meta({
          description:
            'deadlines that passed unmet: first responses, or update windows (an answer after its breach counts here, once)',
        }),
        compliancePercent: z.number().min(0).max(100).nullable().meta({
          description: '`met ÷ (met + breached) × 100`, one decimal; null when none fell either way',
        }),
      }),
    ),
  })
  .meta({
    id: 'ComplianceWindow',
    description:
      'First responses (or next updates) per level, counted at the instant each was met or breached, in whole UTC hours: the current hour so far and the ones before it.',
  });

/** `GET /stats`: what a lead watches beside the dashboard (docs/service-levels.md#figures-for-leads). */
export const LeadFiguresSchema = z
  .strictObject({
    asOf: InstantSchema.meta({ description: 'when the figures were read' }),
    backlog: z
      .array(
        z.strictObject({
          status: z.enum(BACKLOG_STATUSES as [string, ...string[]]),
          level: SeverityLevelSchema,
          count,
        }),
      )
      .meta({ description: 'open cases per status × level, every pair (zeros too), statuses outer' }),
    firstResponse: z
      .strictObject({
        last24h: ComplianceWindowSchema.meta({ description: 'the current hour and the 23 before it' }),
        last7d: ComplianceWindowSchema.meta({ description: 'the current hour and the 167 before it' }),
      })
      .meta({ description: 'first-response compliance: each case’s first response, met or breached' }),
    nextUpdate: z
      .strictObject({
        last24h: ComplianceWindowSchema.meta({ description: 'the current hour and the 23 before it' }),
        last7d: ComplianceWindowSchema.meta({ description: 'the current hour and the 167 before it' }),
      })
      .meta({
        description:
          'next-update compliance: each update window, met by an update given before it was breached, or breached',
      }),
    agents: z
      .array(
        z.strictObject({
          agent: EmailAddressSchema,
          open: count.meta({ description: 'open (not closed) cases assigned to the agent' }),
          breached: count.meta({
            description:
              'of those, overdue now: a first response breached and not given, or an update window breached',
          }),
        }),
      )
      .meta({ description: 'every agent with open cases, by email' }),
    escalations: z
      .array(
        z.strictObject({
          caseId: z.string(),
          number: z.string(),
          subject: z.string(),
          level: SeverityLevelSchema,
          assignee: z.string().nullable(),
          requestedAt: InstantSchema.meta({ description: 'when the requester first asked' }),
          reason: z.string().meta({ description: 'the latest reason given' }),
        }),
      )
      .meta({ description: 'escalations waiting for a lead, oldest first' }),
    surveys: z.strictObject({
      count: count.meta({ description: 'surveys answered, ever' }),
      average: z
        .strictObject({ overall: z.number(), timeliness: z.number(), friendliness: z.number() })
        .nullable()
        .meta({ description: 'each topic’s average rating (1–5), two decimals; null until one is answered' }),
      recent: z
        .array(
          z.strictObject({
            caseId: z.string(),
            number: z.string(),
            submittedAt: InstantSchema,
            ratings: SurveyRatingsSchema,
            comment: z.string().nullable(),
            assignee: z.string().nullable().meta({ description: 'who worked the case' }),
          }),
        )
        .meta({ description: 'the 20 latest answers, newest first' }),
    }),
    dashboardUrl: z
      .url()
      .nullable()
      .meta({ description: 'the CloudWatch dashboard in the AWS console; null in the local runtime' }),
  })
  .meta({ id: 'LeadFigures', description: 'The leads’ figures, each exact as of `asOf`.' });

const SlotTimesSchema = z.strictObject({
  start: InstantSchema,
  end: InstantSchema,
  durationMinutes: z.int(),
});

export const MeetingAnswerSchema = z
  .strictObject({ meeting: MeetingSchema, case: CaseViewSchema })
  .meta({ id: 'MeetingAnswer', description: 'The meeting after the change, and its case.' });

export const MeetingLinkViewSchema = z
  .strictObject({
    caseNumber: z.string(),
    topic: z.string(),
    status: z.enum(MEETING_STATUSES),
    organizerName: z
      .string()
      .meta({ description: 'the agent who proposed it, as support signs mail (`Alice`)' }),
    slots: z.array(
      SlotTimesSchema.extend({
        open: z
          .boolean()
          .meta({ description: 'can still be picked: the proposal is open and the slot ahead' }),
      }),
    ),
    scheduled: SlotTimesSchema.nullable().meta({ description: 'the time picked, once it is' }),
    join: MeetingJoinSchema,
  })
  .meta({ id: 'MeetingLinkView', description: 'The meeting behind a mailed link.' });

export const DeliveryAttemptSchema = z
  .strictObject({
    webhookId: z.string(),
    eventId: z.string(),
    eventType: z.enum(EVENT_TYPES),
    attempt: z.int().min(1),
    at: InstantSchema,
    status: z.int().nullable().meta({ description: 'the receiver’s HTTP status; null when none came' }),
    ok: z.boolean(),
    error: z.string().nullable(),
    durationMs: z.number(),
  })
  .meta({ id: 'DeliveryAttempt', description: 'One try at posting one event to one webhook.' });

export const RegisteredWebhookSchema = WebhookSchema.extend({
  secret: z.string().meta({ description: 'the signing secret (`whsec_…`): shown this once, keep it safe' }),
}).meta({ id: 'RegisteredWebhook', description: 'The webhook just registered, with its signing secret.' });

export const WebhookWithLogSchema = WebhookSchema.extend({
  deliveries: z
    .array(DeliveryAttemptSchema)
    .meta({ description: 'the latest attempts, newest first (up to 50)' }),
}).meta({ id: 'WebhookWithLog', description: 'A webhook and its delivery log.' });

export const WebhookListSchema = z
  .strictObject({ items: z.array(WebhookSchema) })
  .meta({ id: 'WebhookList', description: 'Every registered webhook.' });
