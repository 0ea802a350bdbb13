import * as z from 'zod';
import { caseIdFromMessageIds } from '../../domain/email/addressing.ts';
import type { FeedbackKind, MailFeedback } from '../../domain/email/mail-feedback.ts';
import { parseInstant } from '../../domain/instant.ts';

/*
 * SES's bounce and complaint events, as the configuration set's event destination publishes them to
 * EventBridge (source `aws.ses`; the detail is SES's event-publishing record). Only what casewatch reads
 * is checked; anything else SES adds is let through.
 */

const Address = z
  .string()
  .trim()
  .min(3)
  .max(320)
  .regex(/^[^\s@]+@[^\s@]+$/, 'an email address');
const SesInstant = z.string().refine((s) => parseInstant(s) !== null, 'an ISO 8601 instant');
const FeedbackId = z.string().min(1).max(256);

const MailSchema = z.looseObject({
  messageId: z.string().min(1).max(256),
  destination: z.array(z.string()).max(100).optional(),
  /** Message tags as SES publishes them: each a list of values. */
  tags: z.record(z.string(), z.array(z.string())).optional(),
  commonHeaders: z.looseObject({ messageId: z.string().max(998).optional() }).optional(),
});

const BounceSchema = z.looseObject({
  eventType: z.literal('Bounce'),
  bounce: z.looseObject({
    bounceType: z.enum(['Permanent', 'Transient', 'Undetermined']),
    bounceSubType: z.string().optional(),
    bouncedRecipients: z
      .array(z.looseObject({ emailAddress: Address, diagnosticCode: z.string().optional() }))
      .min(1)
      .max(100),
    timestamp: SesInstant,
    feedbackId: FeedbackId,
  }),
  mail: MailSchema,
});

const ComplaintSchema = z.looseObject({
  eventType: z.literal('Complaint'),
  complaint: z.looseObject({
    complainedRecipients: z
      .array(z.looseObject({ emailAddress: Address }))
      .min(1)
      .max(100),
    timestamp: SesInstant,
    feedbackId: FeedbackId,
    complaintFeedbackType: z.string().optional(),
  }),
  mail: MailSchema,
});

/** The EventBridge event: `Email Bounced` or `Email Complaint Received` from `aws.ses`. */
export const SesFeedbackEventSchema = z.looseObject({
  source: z.literal('aws.ses'),
  'detail-type': z.enum(['Email Bounced', 'Email Complaint Received']),
  detail: z.discriminatedUnion('eventType', [BounceSchema, ComplaintSchema]),
});
export type SesFeedbackEvent = z.infer<typeof SesFeedbackEventSchema>;

const CASE_ID = /^[0-9A-Za-z_-]{1,64}$/;
const DIAGNOSTIC_LENGTH = 500;

/**
 * The report as casewatch records it. The event comes from SES itself (only AWS publishes `aws.ses`
 * events), so what it says about the mail is what we sent: the case is our `case` message tag or, for
 * mail sent before that tag, the case our Message-ID names; the notice kind is the `casewatch` tag.
 */
export function feedbackFromEvent(event: SesFeedbackEvent, mailDomain: string): MailFeedback {
  const { mail } = event.detail;
  const tagged = mail.tags?.case?.[0];
  const caseId =
    tagged && CASE_ID.test(tagged) ? tagged : caseIdFromMessageIds(mail.commonHeaders?.messageId, mailDomain);
  const notice = mail.tags?.casewatch?.[0] ?? null;
  if (event.detail.eventType === 'Complaint') {
    const { complaint } = event.detail;
    return {
      kind: 'complaint',
      feedbackId: complaint.feedbackId,
      at: parseInstant(complaint.timestamp) as string,
      recipients: complaint.complainedRecipients.map((r) => ({ address: r.emailAddress, diagnostic: null })),
      caseId,
      notice,
    };
  }
  const { bounce } = event.detail;
  const kind: FeedbackKind = bounce.bounceType === 'Permanent' ? 'hard-bounce' : 'soft-bounce';
  return {
    kind,
    feedbackId: bounce.feedbackId,
    at: parseInstant(bounce.timestamp) as string,
    recipients: bounce.bouncedRecipients.map((r) => ({
      address: r.emailAddress,
      diagnostic: r.diagnosticCode ? r.diagnosticCode.slice(0, DIAGNOSTIC_LENGTH) : null,
    })),
    caseId,
    notice,
  };
}
