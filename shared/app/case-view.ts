import * as z from 'zod';
import { agentDisplayName } from '../domain/agent-name.ts';
import {
  CASE_NUMBER_SOURCE,
  CASE_TYPES,
  type Case,
  CaseEscalationSchema,
  CaseSeveritySchema,
  CHANNELS,
  RequesterSchema,
} from '../domain/case.ts';
import { InstantSchema } from '../domain/instant.ts';
import { MeetingSchema } from '../domain/meeting.ts';
import { SlaViewSchema, slaView } from '../domain/sla.ts';
import type { SlaPolicy } from '../domain/sla-policy.ts';
import { CaseStatusSchema } from '../domain/status.ts';
import { CaseSurveySchema } from '../domain/survey.ts';
import type { Actor } from './actor.ts';

/** A case as every endpoint returns it: the stored facts plus the derived SLA block. */
export const CaseViewSchema = z
  .strictObject({
    id: z.string().meta({ description: 'stable id (ULID)', example: '01M8PPCAM0A8TM6CPX36M5ZZ28' }),
    number: z
      .string()
      .regex(new RegExp(`^${CASE_NUMBER_SOURCE}$`))
      .meta({ description: 'the human-friendly case number mail subjects carry', example: 'CW-5SADRT' }),
    type: z.enum(CASE_TYPES),
    channel: z.enum(CHANNELS).meta({ description: 'how the case was opened' }),
    status: CaseStatusSchema,
    subject: z.string(),
    description: z.string(),
    stepsToReproduce: z.string().nullable(),
    orderNumber: z.string().nullable().meta({ description: 'consumer cases: the order or invoice number' }),
    billingDescriptor: z
      .string()
      .nullable()
      .meta({ description: 'consumer cases: the text on the buyer’s statement, e.g. FSPRG*ACME' }),
    requester: RequesterSchema,
    assignee: z.string().nullable().meta({
      description:
        'the agent working the case: their email for staff; a requester sees the name support signs mail with ("Alice")',
    }),
    severity: CaseSeveritySchema,
    sla: SlaViewSchema,
    relatedCaseId: z.string().nullable().meta({ description: 'the closed case this one follows up' }),
    escalation: CaseEscalationSchema.nullable(),
    survey: CaseSurveySchema.nullable(),
    meetings: z.array(MeetingSchema).meta({ description: 'meetings proposed on the case, oldest first' }),
    createdAt: InstantSchema,
    updatedAt: InstantSchema,
    version: z.int().min(1).meta({ description: 'sent back as `If-Match` to change the case' }),
  })
  .meta({ id: 'Case', description: 'A support case as every route returns it.' });
export type CaseView = z.infer<typeof CaseViewSchema>;

/** Who reads a case: the support team, or its requester (a seller of its company, or the buyer). */
export type Reader = 'staff' | 'requester';

export const readerOf = (actor: Actor): Reader => (actor.kind === 'staff' ? 'staff' : 'requester');

/**
 * The case as `reader` sees it: a requester sees the support team by the name support signs mail with
 * ("Alice"), never an internal address — the assignee, and each meeting's organizer.
 */
export function toCaseView(c: Case, policy: SlaPolicy, reader: Reader = 'staff'): CaseView {
  const { sla, ...rest } = c;
  const view = { ...rest, sla: slaView(sla, policy) };
  if (reader === 'staff') return view;
  return {
    ...view,
    assignee: view.assignee === null ? null : agentDisplayName(view.assignee),
    meetings: view.meetings.map((m) => ({ ...m, organizer: agentDisplayName(m.organizer) })),
  };
}
