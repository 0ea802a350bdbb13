import * as z from 'zod';
import {
  CASE_FIELDS,
  CASE_TYPES,
  EmailAddressSchema,
  type OpenCaseInput,
  PURCHASE_FIELDS,
  SellerCaseInputSchema,
  showsSomething,
  text,
} from '../domain/case.ts';
import { checkFileName } from '../domain/file-name.ts';
import { parseInstant } from '../domain/instant.ts';
import { MEETING_LIMITS } from '../domain/meeting.ts';
import { QualificationsSchema, SeverityLevelSchema } from '../domain/severity.ts';
import { CaseStatusSchema } from '../domain/status.ts';
import { EVENT_TYPES } from '../domain/timeline.ts';
import { WebhookFiltersSchema } from '../domain/webhook.ts';

/**
 * Request shapes of the API (docs/api.md) beyond the case itself (which is `OpenCaseInputSchema` in the
 * domain).
 */

const page = {
  limit: z.coerce.number().int().min(1).max(100).default(20).meta({
    description: 'how many items a page holds at most (a page may hold fewer and still have a cursor)',
  }),
  cursor: z.string().min(1).max(4096).optional().meta({
    description:
      'the `cursor` of the page before, as it came (opaque and signed); only valid with the filters that made it',
  }),
};

export const ListCasesQuerySchema = z.strictObject({
  ...page,
  status: CaseStatusSchema.optional().meta({ description: 'only cases in this status' }),
  severity: z
    .enum(['0', '1', '2', '3'])
    .transform(Number)
    .pipe(SeverityLevelSchema)
    .optional()
    .meta({ description: 'only cases at this level: 0 (highest) to 3 (low), as `severity.level` reads' }),
  assignee: EmailAddressSchema.optional().meta({ description: 'only the cases of this agent (an email)' }),
  type: z.enum(CASE_TYPES).optional().meta({ description: 'only seller cases, or only consumer cases' }),
  requester: EmailAddressSchema.optional().meta({
    description: 'only the cases of this requester (sellers: of this colleague)',
  }),
  sellerId: z.string().trim().min(1).max(200).optional().meta({
    description:
      'staff: only this seller’s cases, as `requester.sellerId` reads (a seller always lists only their own)',
  }),
});

export const PageQuerySchema = z.strictObject(page);

/** `Idempotency-Key` on `POST /cases`: any text a client makes up, 1–255 characters (docs/api.md#idempotency). */
export const IdempotencyKeySchema = z.string().min(1).max(255);

/** `X-Casewatch-Channel`: who is writing, as the timeline labels it; no header is the API. */
export const ChannelHeaderSchema = z.enum(['portal', 'api']);

export const PostMessageSchema = z.strictObject({ body: text(20_000), internal: z.boolean().optional() });

export const ChangeStatusSchema = z.strictObject({
  status: CaseStatusSchema,
  note: text(5_000).optional(),
  public: z.boolean().optional(),
});

export const SetSeveritySchema = z.strictObject({
  level: SeverityLevelSchema.optional(),
  qualifications: QualificationsSchema.optional(),
  reason: text(1_000),
});

/**
 * The agent to assign, as the case names it: `assignee` (what a case reads back); `agent` and `agentId`
 * stay accepted as aliases. One of them, and they must agree.
 */
export const AssignSchema = z
  .strictObject({
    assignee: EmailAddressSchema.optional().meta({ description: 'the agent’s email' }),
    agent: EmailAddressSchema.optional().meta({ description: 'alias of `assignee`', deprecated: true }),
    agentId: EmailAddressSchema.optional().meta({ description: 'alias of `assignee`', deprecated: true }),
  })
  .superRefine((b, ctx) => {
    const given = [b.assignee, b.agent, b.agentId].filter((a) => a !== undefined).map((a) => a.toLowerCase());
    if (given.length === 0)
      ctx.addIssue({ code: 'custom', path: ['assignee'], message: 'assignee (an email) is required' });
    else if (new Set(given).size > 1)
      ctx.addIssue({
        code: 'custom',
        path: ['assignee'],
        message: 'assignee and its aliases name different agents',
      });
  })
  .transform((b) => ({ agent: (b.assignee ?? b.agent ?? b.agentId) as string }))
  .meta({ id: 'Assignment' });

/** Checked whatever else is wrong with the body, so one answer names every field to fix. */
const whenAnObject = {
  when: (payload: { value: unknown }) => typeof payload.value === 'object' && payload.value !== null,
};

type ConsumerNaming = { requester?: { email: string } | undefined; email?: string | undefined };

const ConsumerCreateSchema = z
  .strictObject({
    type: z.literal('consumer'),
    ...CASE_FIELDS,
    requester: z
      .strictObject({ email: EmailAddressSchema })
      .optional()
      .meta({ description: 'who the case is for (the shape a case reads back)' }),
    email: EmailAddressSchema.optional().meta({
      description: 'alias of `requester.email`',
      deprecated: true,
    }),
    ...PURCHASE_FIELDS,
  })
  .refine((b: ConsumerNaming) => b.requester !== undefined || b.email !== undefined, {
    message: 'the requester’s email is required',
    path: ['requester', 'email'],
    ...whenAnObject,
  })
  .refine(
    (b: ConsumerNaming) =>
      b.requester?.email === undefined ||
      b.email === undefined ||
      String(b.requester.email).toLowerCase() === String(b.email).toLowerCase(),
    { message: 'differs from requester.email', path: ['email'], ...whenAnObject },
  )
  .meta({
    id: 'NewConsumerCase',
    description: 'A buyer’s case, no account needed: who they are and the purchase support must find.',
  });

/**
 * `POST /cases`: a seller case (the seller comes from the caller's token) or a buyer's case, which
 * names its requester as a case reads it back, `requester: { email }`; the flat `email` stays accepted.
 */
export const CreateCaseSchema = z
  .discriminatedUnion('type', [SellerCaseInputSchema, ConsumerCreateSchema])
  .transform((b): OpenCaseInput => {
    if (b.type === 'seller') return b;
    const { requester, email, ...rest } = b;
    return { ...rest, email: (requester?.email ?? email) as string };
  })
  .meta({ id: 'NewCase' });

export const WorkaroundSchema = z.strictObject({ note: text(5_000).optional() });

export const EscalationSchema = z.strictObject({ reason: text(2_000) });

/**
 * No control characters: the name ends up in a storage key and a download header. The file-name rule
 * would drop them; a client that sends them has made a mistake it should hear about.
 */
function hasNoControls(name: string): boolean {
  return ![...name].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f);
}

/** Largest attachment accepted (bytes). */
const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;

export const AttachmentSchema = z.strictObject({
  fileName: text(255)
    .refine(hasNoControls, { message: 'must be a plain file name', abort: true })
    // The domain's rule (docs/cases.md#file-names): no path, not `.`, `..` or only dots and spaces.
    .superRefine((name, ctx) => {
      if (!showsSomething(name)) return; // blank: `text` has said so already
      const checked = checkFileName(name);
      if (!checked.ok) ctx.addIssue({ code: 'custom', message: checked.reason });
    }),
  contentType: z
    .string()
    .regex(/^[\w.+-]+\/[\w.+-]+$/, 'must be a media type such as image/png')
    .max(127),
  size: z.number().int().min(1).max(MAX_ATTACHMENT_BYTES),
  internal: z.boolean().optional().meta({ description: 'staff only: a file the requester never sees' }),
});

/**
 * `POST /surveys/{token}`: three 1–5 ratings and an optional comment (docs/survey.md#questions-and-scale).
 */
export { SurveyAnswerSchema } from '../domain/survey.ts';

/**
 * The `{token}` of a survey link: JWT characters only, and no longer than any link casewatch mails.
 * Anything else is a link casewatch never made, so a 404, not a 400.
 */
export const SurveyTokenSchema = z
  .string()
  .max(2048)
  .regex(/^[\w-]+\.[\w-]+\.[\w-]+$/);

/** An instant a person typed: `Z` or an explicit offset, kept as the canonical UTC form. */
const TypedInstant = z
  .string()
  .max(40)
  .transform((value, ctx) => {
    const instant = parseInstant(value);
    if (instant === null) {
      ctx.addIssue({ code: 'custom', message: 'must be an ISO 8601 date-time with Z or an offset' });
      return z.NEVER;
    }
    return instant;
  })
  .meta({ description: 'ISO 8601 date-time with `Z` or an offset', example: '2026-12-08T18:00:00Z' });

/** A slot as the agent types it (docs/meetings.md#slots): inside support hours, checked by the use case. */
export const MeetingSlotInputSchema = z.strictObject({
  start: TypedInstant,
  durationMinutes: z.int().min(MEETING_LIMITS.minMinutes).max(MEETING_LIMITS.maxMinutes),
});

/** `POST /cases/{id}/meetings`: what an agent proposes (docs/meetings.md#proposing). */
export const ProposeMeetingSchema = z.strictObject({
  topic: text(200).meta({ example: 'Walk through the webhook settings together' }),
  join: z
    .strictObject({
      url: z
        .url({ protocol: /^https$/, normalize: true })
        .max(2_000)
        .optional()
        .meta({
          description: 'the conference link; https only',
          example: 'https://meet.example.com/cw-5sadrt',
        }),
      dialIn: text(500)
        .optional()
        .meta({ description: 'dial-in numbers and codes, as the requester should read them' }),
    })
    .refine((j) => j.url !== undefined || j.dialIn !== undefined, {
      message: 'give a conference link (url), dial-in text, or both',
    }),
  slots: z.array(MeetingSlotInputSchema).min(MEETING_LIMITS.minSlots).max(MEETING_LIMITS.maxSlots),
});

/** `POST …/pick` and `POST /meetings/{token}`: which of the proposed slots, by its start. */
export const PickSlotSchema = z.strictObject({ start: TypedInstant });

export const RescheduleMeetingSchema = MeetingSlotInputSchema;

export const CancelMeetingSchema = z.strictObject({ reason: text(1_000).optional() });

/** The `{token}` of a meeting link, as strict as the survey link's: anything else is a 404. */
export const MeetingTokenSchema = SurveyTokenSchema;

/** `POST /webhooks` (docs/integrations.md#webhooks): where, which event types, optional filters. */
export const RegisterWebhookSchema = z.strictObject({
  url: z
    .url({ protocol: /^https?$/ })
    .max(2_000)
    .meta({
      description: 'https; its host must resolve to public addresses only',
      example: 'https://hooks.acme.example/casewatch',
    }),
  events: z
    // Any string here, so an unknown type is refused with the list of known ones (shared/app/webhooks.ts);
    // the document still lists them, for clients generated from it.
    .array(
      z
        .string()
        .min(1)
        .max(64)
        .meta({ enum: [...EVENT_TYPES, '*'] }),
    )
    .min(1)
    .max(64)
    .meta({
      description: 'event types (`case.opened`, `message.posted`, …), or `*` for all',
      example: ['case.opened', 'sla.breached'],
    }),
  filters: WebhookFiltersSchema.optional(),
  audience: z.enum(['external', 'internal']).optional(),
});
