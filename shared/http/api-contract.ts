import * as z from 'zod';
import { CaseViewSchema } from '../app/case-view.ts';
import { SurveyAnswerSchema } from '../domain/survey.ts';
import { WebhookSchema } from '../domain/webhook.ts';
import {
  AttachmentDownloadSchema,
  CasePageSchema,
  CreatedCaseSchema,
  EventPageSchema,
  LeadFiguresSchema,
  MeetingAnswerSchema,
  MeetingLinkViewSchema,
  MessageAnswerSchema,
  RegisteredWebhookSchema,
  SurveySubmittedSchema,
  SurveyViewSchema,
  UploadSchema,
  WebhookListSchema,
  WebhookWithLogSchema,
} from './responses.ts';
import {
  AssignSchema,
  AttachmentSchema,
  CancelMeetingSchema,
  ChangeStatusSchema,
  ChannelHeaderSchema,
  CreateCaseSchema,
  EscalationSchema,
  IdempotencyKeySchema,
  ListCasesQuerySchema,
  PageQuerySchema,
  PickSlotSchema,
  PostMessageSchema,
  ProposeMeetingSchema,
  RegisterWebhookSchema,
  RescheduleMeetingSchema,
  SetSeveritySchema,
  WorkaroundSchema,
} from './schemas.ts';

/*
 * The API's contract, route by route: the same request schemas the handlers parse with and the response
 * schemas they answer with, plus what only a document says (who may call, which errors, which headers).
 * `openapi.ts` turns it into the OpenAPI document; a test fails when a route of `ROUTES` is missing
 * here or a route here is not served.
 */

/**
 * The credentials a route accepts, any one of them; `anonymous`: none needed. A route with none listed
 * is public (the survey link carries its own token in the path).
 */
export type Credential = 'cognito' | 'caseToken' | 'anonymous';

/** An error a route can answer, beyond the ones every route can (500, and 413 for a body over 10 MiB). */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 412;

export interface BodySpec {
  schema: z.ZodType;
  /** Another media type the route also takes (the survey's HTML form). */
  form?: z.ZodType;
  required?: boolean;
}

export interface Operation {
  operationId: string;
  summary: string;
  description: string;
  tag:
    | 'Cases'
    | 'Timeline'
    | 'Triage'
    | 'Requesters'
    | 'Surveys'
    | 'Meetings'
    | 'Leads'
    | 'Webhooks'
    | 'Documentation';
  /** Any one of them will do. */
  credentials: readonly Credential[];
  path?: z.ZodObject;
  query?: z.ZodObject;
  /** Request headers beyond the credential: `If-Match`, `Idempotency-Key`, `X-Casewatch-Channel`. */
  headers?: z.ZodObject;
  body?: BodySpec;
  success: {
    status: 200 | 201 | 204;
    description: string;
    schema?: z.ZodType;
    /** Other media types the same answer comes in (`text/html` for a browser). */
    alternatives?: Record<string, z.ZodType>;
    headers?: z.ZodObject;
  };
  errors: Partial<Record<ErrorStatus, string>>;
  /** A browser asking for `text/html` gets each error as a page too (the survey link). */
  htmlErrors?: boolean;
}

const caseId = z.string().meta({
  description: 'the case id (a ULID)',
  example: '01M8PPCAM0A8TM6CPX36M5ZZ28',
  param: { id: 'caseId' },
});
const caseRef = z.string().meta({
  description: 'the case id (a ULID), or its number (`CW-…`, any letter case)',
  example: 'CW-5SADRT',
});
const surveyToken = z.string().meta({
  description: 'the token of the mailed survey link: the only credential this route reads',
  param: { id: 'surveyToken' },
});

const meetingToken = z.string().meta({
  description: 'the token of the mailed meeting link: the only credential this route reads',
  param: { id: 'meetingToken' },
});
const onWebhook = z.object({
  id: z.string().meta({ description: 'the webhook id (a ULID)', param: { id: 'webhookId' } }),
});
const onMeeting = z.object({
  id: caseId,
  meetingId: z.string().meta({ description: 'the meeting id (a ULID)', param: { id: 'meetingId' } }),
});

const IfMatch = z
  .string()
  .regex(/^\s*(?:W\/)?"?\d{1,9}"?\s*$/)
  .optional()
  .meta({
    description:
      'the case version the change is meant for (its `ETag`); if the case changed meanwhile nothing is written and the answer is 412. Without it, a change that races another is applied to the fresh case.',
    example: '"3"',
    param: { id: 'ifMatch' },
  });
const Channel = ChannelHeaderSchema.optional().meta({
  description:
    'how the request arrives, recorded on the timeline: the portal says `portal`; no header is `api`; any other value is a 400',
  param: { id: 'channel' },
});
const writeHeaders = z.object({ 'If-Match': IfMatch });

const ETag = z.string().meta({
  description: 'the case version, to send back as `If-Match`',
  example: '"3"',
  header: { id: 'etag' },
});
const caseHeaders = z.object({ ETag });

/** What every change to a meeting answers. */
const MEETING_ANSWER = {
  status: 200,
  description: 'the meeting and its case',
  schema: MeetingAnswerSchema,
  headers: caseHeaders,
} as const;

const onCase = z.object({ id: caseId });

/** The errors of a route on one case, as every such route answers them. */
const CASE_ERRORS = {
  401: 'no credential, or one that does not verify (a bearer token, or a case token)',
  403: 'the token belongs to no casewatch group',
  404: 'no such case, or one the caller may not see (the answers are identical, so ids cannot be probed)',
} as const;

const WRITE_ERRORS = {
  ...CASE_ERRORS,
  409: 'the case refused the change (it is closed: closed is final), or it is changing so often right now that the change could not land — retry after `Retry-After` seconds',
  412: 'a stale `If-Match`: the case changed since the caller read it; nothing was written',
} as const;

const STAFF_ERRORS = {
  401: 'no bearer token, or one that does not verify — answered by API Gateway’s JWT authorizer',
  403: 'the caller is not an agent or a lead (requesters see the case but may not do this)',
  404: CASE_ERRORS[404],
  409: WRITE_ERRORS[409],
  412: WRITE_ERRORS[412],
} as const;

/** The errors of a leads-only route (the webhooks). */
const LEAD_ERRORS = { 401: STAFF_ERRORS[401], 403: 'anyone but a lead' } as const;

/**
 * A change either side makes to one meeting on a case (pick, move, cancel): the same path, credentials,
 * `If-Match`, answer and errors; what differs is the body and why it is refused.
 */
function meetingChange(op: {
  operationId: string;
  summary: string;
  description: string;
  body: NonNullable<Operation['body']>;
  invalid: string;
  refused: string;
}): Operation {
  return {
    operationId: op.operationId,
    summary: op.summary,
    description: op.description,
    tag: 'Meetings',
    credentials: ['cognito', 'caseToken'],
    path: onMeeting,
    headers: writeHeaders,
    body: op.body,
    success: MEETING_ANSWER,
    errors: {
      400: op.invalid,
      ...CASE_ERRORS,
      404: 'no such case or meeting, or a case the caller may not see',
      409: op.refused,
      412: WRITE_ERRORS[412],
    },
  };
}

export const OPERATIONS: Record<string, Operation> = {
  'POST /cases': {
    operationId: 'openCase',
    summary: 'Open a case',
    description:
      'A signed-in seller opens a seller case (the seller comes from the token); anyone opens a consumer case, with the order number and billing descriptor support needs to find the purchase, and gets back the case token that opens it. The case starts `new` at its suggested severity, its first-response clock running; the requester is mailed an acknowledgment. A retry with the same `Idempotency-Key`, caller and body answers the first case instead of opening a second.',
    tag: 'Cases',
    credentials: ['anonymous', 'cognito'],
    headers: z.object({
      'Idempotency-Key': IdempotencyKeySchema.optional().meta({
        description: 'makes a retry of the same create answer the first case (kept 24 hours)',
      }),
      'X-Casewatch-Channel': Channel,
    }),
    body: { schema: CreateCaseSchema, required: true },
    success: {
      status: 201,
      description: 'the case (a consumer case with its `caseToken`)',
      schema: CreatedCaseSchema,
      headers: z.object({
        ETag,
        Location: z
          .string()
          .meta({ description: 'where the case lives', example: '/cases/01M8PPCAM0A8TM6CPX36M5ZZ28' }),
      }),
    },
    errors: {
      400: 'an invalid body: every invalid field is listed',
      401: 'a seller case without a signed-in seller, or a bearer token that does not verify',
      403: 'anyone but a seller opening a seller case',
      409: 'a create under the same `Idempotency-Key` is still running: retry after `Retry-After` seconds',
    },
  },
  'GET /cases': {
    operationId: 'listCases',
    summary: 'List cases, earliest open deadline first',
    description:
      'Agents and leads list every case; sellers only their company’s (whatever they filter). Filters combine; pages are opaque, signed cursors bound to the filters that made them.',
    tag: 'Cases',
    credentials: ['cognito'],
    query: ListCasesQuerySchema,
    success: { status: 200, description: 'a page of cases', schema: CasePageSchema },
    errors: {
      400: 'an invalid filter, limit or cursor (a cursor is only valid with the filters that made it)',
      401: STAFF_ERRORS[401],
      403: 'the token belongs to no casewatch group',
    },
  },
  'GET /cases/{id}': {
    operationId: 'getCase',
    summary: 'Read a case',
    description: 'The case with its SLA block, by id or by number; `ETag` is its version.',
    tag: 'Cases',
    credentials: ['cognito', 'caseToken'],
    path: z.object({ id: caseRef }),
    success: { status: 200, description: 'the case', schema: CaseViewSchema, headers: caseHeaders },
    errors: CASE_ERRORS,
  },
  'GET /cases/{id}/events': {
    operationId: 'listEvents',
    summary: 'Read a case’s timeline',
    description:
      'Oldest first, paged like the list. A requester sees the public events only: no internal notes, severity, assignee or SLA bookkeeping.',
    tag: 'Timeline',
    credentials: ['cognito', 'caseToken'],
    path: onCase,
    query: PageQuerySchema,
    success: { status: 200, description: 'a page of the timeline', schema: EventPageSchema },
    errors: { 400: 'an invalid limit or cursor', ...CASE_ERRORS },
  },
  'GET /stats': {
    operationId: 'readLeadFigures',
    summary: 'Read the leads’ figures',
    description:
      'What a lead watches beside the CloudWatch dashboard, every figure exact and read from what the writes that change cases keep (never a scan): the backlog per status × level; first-response compliance per level over the last 24 hours and 7 days (whole UTC hours: the current one so far and the 23, or 167, before it); each agent’s open cases and how many are overdue now; the escalations waiting for a lead, oldest first; the survey totals and the 20 latest answers with their comments; and where the dashboard is.',
    tag: 'Leads',
    credentials: ['cognito'],
    success: { status: 200, description: 'the figures, as of `asOf`', schema: LeadFiguresSchema },
    errors: {
      401: STAFF_ERRORS[401],
      403: 'the caller is not a lead: agents and sellers (and a token in no casewatch group) are refused',
    },
  },
  'POST /cases/{id}/messages': {
    operationId: 'postMessage',
    summary: 'Post a message',
    description:
      'Staff messages may be internal notes; a public one is an update that meets the deadline it answers. A requester’s message on a case pending closure or on hold moves it back to open; on a closed case it opens a new case linked to it.',
    tag: 'Timeline',
    credentials: ['cognito', 'caseToken'],
    path: onCase,
    headers: z.object({ 'If-Match': IfMatch, 'X-Casewatch-Channel': Channel }),
    body: { schema: PostMessageSchema, required: true },
    success: {
      status: 201,
      description:
        'the message, or the follow-up case it opened; `ETag` is the version of the case in the answer',
      schema: MessageAnswerSchema,
      headers: caseHeaders,
    },
    errors: {
      400: 'an invalid body',
      ...WRITE_ERRORS,
      403: 'a requester writing an internal note, or a token in no casewatch group',
      409: 'staff writing on a closed case, or a case changing too often right now (`Retry-After`)',
    },
  },
  'POST /cases/{id}/status': {
    operationId: 'changeStatus',
    summary: 'Move a case to another status',
    description:
      'Agents and leads move a case between any two statuses but `new`, and close it; a requester may close their own case. A public note is customer-visible and counts as an update. A move the status machine has not is a 409 that lists the moves there are.',
    tag: 'Cases',
    credentials: ['cognito', 'caseToken'],
    path: onCase,
    headers: writeHeaders,
    body: { schema: ChangeStatusSchema, required: true },
    success: { status: 200, description: 'the moved case', schema: CaseViewSchema, headers: caseHeaders },
    errors: {
      400: 'an invalid body',
      ...WRITE_ERRORS,
      409: 'no such move from here for this caller (back to new, out of closed, a requester moving other than to closed, the status it already has): `allowed` lists the moves there are; or a case changing too often right now (`Retry-After`)',
    },
  },
  'POST /cases/{id}/escalations': {
    operationId: 'requestEscalation',
    summary: 'Ask for an escalation',
    description: 'The requester asks for more attention; it is on the timeline and the leads are mailed.',
    tag: 'Requesters',
    credentials: ['cognito', 'caseToken'],
    path: onCase,
    headers: writeHeaders,
    body: { schema: EscalationSchema, required: true },
    success: { status: 201, description: 'the case', schema: CaseViewSchema, headers: caseHeaders },
    errors: { 400: 'an invalid body', ...WRITE_ERRORS, 403: 'staff asking for an escalation' },
  },
  'POST /cases/{id}/attachments': {
    operationId: 'requestUpload',
    summary: 'Ask where to upload a file',
    description:
      'Answers a URL to `PUT` the bytes to within 15 minutes, with the declared content type and exactly the declared size; in AWS a presigned S3 URL. Asking records nothing: `attachment.added` is written when the bytes arrive and match. `internal: true` (staff only) keeps the file from the requester.',
    tag: 'Requesters',
    credentials: ['cognito', 'caseToken'],
    path: onCase,
    headers: writeHeaders,
    body: { schema: AttachmentSchema, required: true },
    success: { status: 201, description: 'where to upload, until when', schema: UploadSchema },
    errors: {
      400: 'an invalid file name (a path, `.`, `..`, nothing visible), media type or size',
      ...WRITE_ERRORS,
      403: 'a requester asking for an internal file, or a token that belongs to no casewatch group',
    },
  },
  'GET /cases/{id}/attachments/{attachmentId}': {
    operationId: 'downloadAttachment',
    summary: 'Fetch a file',
    description:
      'A URL valid 15 minutes that downloads the file under its name, with its stored type. Staff may fetch every file of the case; the requester the public ones. An internal file, one that has not arrived yet and one that does not exist are the same 404.',
    tag: 'Requesters',
    credentials: ['cognito', 'caseToken'],
    path: z.object({
      id: caseId,
      attachmentId: z.string().meta({ description: 'the `attachmentId` of the upload' }),
    }),
    success: {
      status: 200,
      description: 'the file and where to fetch it (`Cache-Control: no-store`)',
      schema: AttachmentDownloadSchema,
    },
    errors: {
      ...CASE_ERRORS,
      404: 'no such case or file, a file not arrived yet, or one the caller may not fetch (the answers are identical)',
    },
  },
  'POST /cases/{id}/survey': {
    operationId: 'answerCaseSurvey',
    summary: 'Answer a case’s survey as its requester',
    description:
      'The requester of a closed case answers its survey from the portal, signed in (a seller of the case) or with the case token (the buyer): the same three ratings and optional comment as the mailed link takes, and the same one answer per case, whichever way it comes. The case’s `survey` says whether it was sent (`null`: not yet) and answered (`submittedAt`).',
    tag: 'Surveys',
    credentials: ['cognito', 'caseToken'],
    path: onCase,
    body: { schema: SurveyAnswerSchema, required: true },
    success: { status: 201, description: 'the answer was recorded', schema: SurveySubmittedSchema },
    errors: {
      400: 'an invalid answer: every invalid field is listed',
      ...CASE_ERRORS,
      403: 'staff (only the requester answers), or a token in no casewatch group',
      409: 'no survey was sent for this case yet (it goes out when the case closes), or it was already answered',
    },
  },
  'GET /surveys/{token}': {
    operationId: 'readSurvey',
    summary: 'Read a survey',
    description:
      'The survey behind a mailed link: its questions and whether it was answered. A browser (asking for `text/html`) gets the survey page with its form.',
    tag: 'Surveys',
    credentials: [],
    path: z.object({ token: surveyToken }),
    success: {
      status: 200,
      description: 'the survey',
      schema: SurveyViewSchema,
      alternatives: { 'text/html': z.string().meta({ description: 'the survey page, for a browser' }) },
    },
    errors: { 404: 'a link casewatch never sent, or one that expired (60 days)' },
    htmlErrors: true,
  },
  'POST /surveys/{token}': {
    operationId: 'answerSurvey',
    summary: 'Answer a survey',
    description: 'Three ratings from 1 to 5 and an optional comment; a survey takes one answer.',
    tag: 'Surveys',
    credentials: [],
    path: z.object({ token: surveyToken }),
    body: {
      schema: SurveyAnswerSchema,
      required: true,
      form: z
        .object({
          overall: z.string(),
          timeliness: z.string(),
          friendliness: z.string(),
          comment: z.string().optional(),
        })
        .meta({
          description: 'the survey page’s form, reshaped into the JSON answer and judged the same way',
        }),
    },
    success: {
      status: 201,
      description: 'the answer was recorded',
      schema: SurveySubmittedSchema,
      alternatives: { 'text/html': z.string().meta({ description: 'a thank-you page, for a browser' }) },
    },
    errors: {
      400: 'an invalid answer (the form gets the page again, each wrong field marked)',
      404: 'a link casewatch never sent, or one that expired',
      409: 'the survey was already answered',
    },
    htmlErrors: true,
  },
  'GET /openapi.json': {
    operationId: 'getApiDocument',
    summary: 'This document',
    description: 'The API’s OpenAPI 3.1 document, generated from the code that defines the API.',
    tag: 'Documentation',
    credentials: [],
    success: {
      status: 200,
      description: 'the OpenAPI document',
      schema: z.record(z.string(), z.unknown()).meta({ description: 'an OpenAPI 3.1 document' }),
    },
    errors: {},
  },
  'GET /docs': {
    operationId: 'getApiReference',
    summary: 'The API reference, for people',
    description: 'This document rendered as a page (Redoc, served from the API itself, no CDN).',
    tag: 'Documentation',
    credentials: [],
    success: {
      status: 200,
      description: 'the reference page',
      alternatives: { 'text/html': z.string() },
    },
    errors: {},
  },
  'GET /docs/{asset}': {
    operationId: 'getApiReferenceAsset',
    summary: 'A file of the reference page',
    description: 'The renderer the reference page loads.',
    tag: 'Documentation',
    credentials: [],
    path: z.object({
      asset: z
        .string()
        .meta({ description: 'a file of the reference page (its renderer)', example: 'redoc.standalone.js' }),
    }),
    success: {
      status: 200,
      description: 'the file',
      alternatives: { 'text/javascript': z.string() },
    },
    errors: { 404: 'no such file' },
  },
  'PUT /cases/{id}/severity': {
    operationId: 'setSeverity',
    summary: 'Set the severity',
    description:
      'Agents and leads set the final level, directly or from qualification answers (which also refresh the suggestion); open deadlines follow the new level from their original start, and one already past breaches at once.',
    tag: 'Triage',
    credentials: ['cognito'],
    path: onCase,
    headers: writeHeaders,
    body: { schema: SetSeveritySchema, required: true },
    success: { status: 200, description: 'the case', schema: CaseViewSchema, headers: caseHeaders },
    errors: { 400: 'an invalid body: a level, answers, or both, and a reason', ...STAFF_ERRORS },
  },
  'PUT /cases/{id}/assignee': {
    operationId: 'assignCase',
    summary: 'Assign an agent',
    description:
      'Sets the assignee; a new case becomes open. The assignee must be an agent or lead of the support team (the user pool’s `agents` or `leads` group): they are mailed the case’s internal notices. Staff may always assign themselves.',
    tag: 'Triage',
    credentials: ['cognito'],
    path: onCase,
    headers: writeHeaders,
    body: { schema: AssignSchema, required: true },
    success: { status: 200, description: 'the case', schema: CaseViewSchema, headers: caseHeaders },
    errors: { 400: 'an invalid body, or an assignee who is not on the support team', ...STAFF_ERRORS },
  },
  'POST /cases/{id}/workaround': {
    operationId: 'recordWorkaround',
    summary: 'Record a workaround or resolution',
    description: 'A High case’s daily updates relax to every five business days from here.',
    tag: 'Triage',
    credentials: ['cognito'],
    path: onCase,
    headers: writeHeaders,
    body: { schema: WorkaroundSchema, required: false },
    success: { status: 200, description: 'the case', schema: CaseViewSchema, headers: caseHeaders },
    errors: { 400: 'an invalid body', ...STAFF_ERRORS },
  },
  'POST /cases/{id}/meetings': {
    operationId: 'proposeMeeting',
    summary: 'Propose a meeting',
    description:
      'An agent or lead proposes a conference call or live meeting: a topic, how to join (an https link and/or dial-in text; casewatch hosts no call) and 1–5 slots of 15–120 minutes, each wholly inside support hours on a working day (holidays and DST as the business calendar has them), in the future and within 60 days. The proposal is public on the timeline and counts as an update to the customer; the requester is mailed the slots in words, each with a signed link that picks it.',
    tag: 'Meetings',
    credentials: ['cognito'],
    path: onCase,
    headers: writeHeaders,
    body: { schema: ProposeMeetingSchema, required: true },
    success: {
      status: 201,
      description: 'the proposed meeting and its case',
      schema: MeetingAnswerSchema,
      headers: caseHeaders,
    },
    errors: {
      400: 'an invalid body, or a slot outside support hours, in the past, too far ahead or proposed twice: each named (`slots.1`) with the reason',
      ...CASE_ERRORS,
      403: 'a requester proposing (only staff propose)',
      409: WRITE_ERRORS[409],
      412: WRITE_ERRORS[412],
    },
  },
  'POST /cases/{id}/meetings/{meetingId}/pick': meetingChange({
    operationId: 'pickMeetingSlot',
    summary: 'Pick a slot',
    description:
      'The requester (or staff for them) picks one of the proposed slots by its start; both sides are mailed a calendar invitation and a reminder goes out 15 minutes before. Picking the slot already picked answers the meeting unchanged.',
    body: { schema: PickSlotSchema, required: true },
    invalid: 'an invalid body',
    refused:
      'the slot has started or is not one proposed, another slot is already picked, or the proposal was cancelled or expired',
  }),
  'POST /cases/{id}/meetings/{meetingId}/reschedule': meetingChange({
    operationId: 'rescheduleMeeting',
    summary: 'Move a meeting',
    description:
      'Either side moves a scheduled meeting to a new time inside support hours; both get an updated invitation (same UID, higher SEQUENCE) and the reminder follows.',
    body: { schema: RescheduleMeetingSchema, required: true },
    invalid: 'an invalid body, or a time outside support hours or in the past',
    refused: 'no slot is picked yet, it is at that time already, or the meeting was cancelled',
  }),
  'POST /cases/{id}/meetings/{meetingId}/cancel': meetingChange({
    operationId: 'cancelMeeting',
    summary: 'Cancel a meeting',
    description:
      'Either side calls off a proposal or a scheduled meeting; a scheduled one is cancelled in both calendars (`METHOD:CANCEL`, same UID) and its reminder is dropped.',
    body: { schema: CancelMeetingSchema, required: false },
    invalid: 'an invalid body',
    refused: 'the meeting was already cancelled, or the proposal expired',
  }),
  'GET /meetings/{token}': {
    operationId: 'readMeetingByLink',
    summary: 'Read a meeting by its link',
    description:
      'The meeting behind a mailed link: its topic, the slots (which can still be picked), the time picked and how to join. The portal’s meeting page shows it.',
    tag: 'Meetings',
    credentials: [],
    path: z.object({ token: meetingToken }),
    success: { status: 200, description: 'the meeting', schema: MeetingLinkViewSchema },
    errors: { 404: 'a link casewatch never sent, or one that expired (90 days)' },
  },
  'POST /meetings/{token}': {
    operationId: 'pickByLink',
    summary: 'Pick a slot by the link',
    description:
      'Picks one of the proposed slots as the requester, no account needed: the link is the credential. Picking the slot already picked answers the meeting unchanged.',
    tag: 'Meetings',
    credentials: [],
    path: z.object({ token: meetingToken }),
    body: { schema: PickSlotSchema, required: true },
    success: { status: 200, description: 'the meeting', schema: MeetingLinkViewSchema },
    errors: {
      400: 'an invalid body',
      404: 'a link casewatch never sent, or one that expired',
      409: 'the slot has started or is not one proposed, another slot is already picked, or the proposal was cancelled or expired',
    },
  },
  'POST /webhooks': {
    operationId: 'registerWebhook',
    summary: 'Register a webhook',
    description:
      'A lead registers a URL for some case event types (`*`: all), with optional filters (levels, seller, case type). The answer carries the webhook’s signing secret, shown this once: every delivery is signed with it (`Casewatch-Signature: t=<unix seconds>,v1=<HMAC-SHA256 hex of "<t>.<body>">`). The URL must be https and its host must resolve to public addresses only (no private, loopback, link-local or metadata address); the reason is given when it is refused.',
    tag: 'Webhooks',
    credentials: ['cognito'],
    body: { schema: RegisterWebhookSchema, required: true },
    success: {
      status: 201,
      description: 'the webhook, with its secret (never cached: `Cache-Control: no-store`)',
      schema: RegisteredWebhookSchema,
      headers: z.object({
        Location: z
          .string()
          .meta({ description: 'where the webhook lives', example: '/webhooks/01M8PPCAM0A8TM6CPX36M5ZZ28' }),
      }),
    },
    errors: {
      400: 'an invalid body, an unknown event type, or a URL that is refused (with the reason)',
      ...LEAD_ERRORS,
    },
  },
  'GET /webhooks': {
    operationId: 'listWebhooks',
    summary: 'List webhooks',
    description: 'Every registered webhook (never a secret).',
    tag: 'Webhooks',
    credentials: ['cognito'],
    success: { status: 200, description: 'the webhooks', schema: WebhookListSchema },
    errors: LEAD_ERRORS,
  },
  'GET /webhooks/{id}': {
    operationId: 'readWebhook',
    summary: 'Read a webhook and its delivery log',
    description:
      'The webhook and its latest delivery attempts, newest first: when, which event, status code, error.',
    tag: 'Webhooks',
    credentials: ['cognito'],
    path: onWebhook,
    success: { status: 200, description: 'the webhook and its deliveries', schema: WebhookWithLogSchema },
    errors: { ...LEAD_ERRORS, 404: 'no such webhook' },
  },
  'DELETE /webhooks/{id}': {
    operationId: 'deleteWebhook',
    summary: 'Delete a webhook',
    description: 'It gets nothing more; retries already queued for it are dropped.',
    tag: 'Webhooks',
    credentials: ['cognito'],
    path: onWebhook,
    success: { status: 204, description: 'deleted' },
    errors: { ...LEAD_ERRORS, 404: 'no such webhook' },
  },
  'POST /webhooks/{id}/resume': {
    operationId: 'resumeWebhook',
    summary: 'Resume a paused webhook',
    description:
      'A webhook whose delivery failed three times in a row is paused (and the leads mailed); resuming it delivers events from now on. What failed waits in the dead-letter queue.',
    tag: 'Webhooks',
    credentials: ['cognito'],
    path: onWebhook,
    success: { status: 200, description: 'the webhook, active', schema: WebhookSchema },
    errors: { ...LEAD_ERRORS, 404: 'no such webhook' },
  },
};
