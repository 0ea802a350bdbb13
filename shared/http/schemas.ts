import * as z from 'zod';
import { CASE_TYPES, text } from '../domain/case.ts';
import { QualificationsSchema, SeverityLevelSchema } from '../domain/severity.ts';
import { CaseStatusSchema } from '../domain/status.ts';

/**
 * Request shapes of the API (docs/api.md) beyond the case itself (which is `OpenCaseInputSchema` in the
 * domain).
 */

const page = {
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(4096).optional(),
};

export const ListCasesQuerySchema = z.strictObject({
  ...page,
  status: CaseStatusSchema.optional(),
  severity: z.enum(['0', '1', '2', '3']).transform(Number).pipe(SeverityLevelSchema).optional(),
  assignee: z.email().optional(),
  type: z.enum(CASE_TYPES).optional(),
});

export const PageQuerySchema = z.strictObject(page);

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

/** The assignee field is `agent` (docs/cases.md#triage); `agentId` is accepted as its alias. */
export const AssignSchema = z
  .strictObject({ agent: z.email().max(254).optional(), agentId: z.email().max(254).optional() })
  .refine((b) => (b.agent ?? b.agentId) !== undefined, {
    message: 'agent (an email) is required',
    path: ['agent'],
  })
  .transform((b) => ({ agent: (b.agent ?? b.agentId) as string }));

export const WorkaroundSchema = z.strictObject({ note: text(5_000).optional() });

export const EscalationSchema = z.strictObject({ reason: text(2_000) });

/** No path separators or control characters: the name ends up in a storage key and a download header. */
function isPlainFileName(name: string): boolean {
  return ![...name].some(
    (ch) => ch === '/' || ch === '\\' || ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f,
  );
}

/** Largest attachment accepted (bytes). */
const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;

export const AttachmentSchema = z.strictObject({
  fileName: text(255).refine(isPlainFileName, 'must be a plain file name'),
  contentType: z
    .string()
    .regex(/^[\w.+-]+\/[\w.+-]+$/, 'must be a media type such as image/png')
    .max(127),
  size: z.number().int().min(1).max(MAX_ATTACHMENT_BYTES),
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
