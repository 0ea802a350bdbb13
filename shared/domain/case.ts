import * as z from 'zod';
import { type Instant, InstantSchema } from './instant.ts';
import type { Meeting } from './meeting.ts';
import {
  type BreadthThresholds,
  DEFAULT_BREADTH_THRESHOLDS,
  QualificationsSchema,
  SEVERITY_LABELS,
  SeverityLevelSchema,
} from './severity.ts';
import { suggestSeverity } from './severity-suggestion.ts';
import { openSla, type SlaState } from './sla.ts';
import type { CaseStatus } from './status.ts';
import type { CaseSurvey } from './survey.ts';

export const CASE_TYPES = ['seller', 'consumer'] as const;
export type CaseType = (typeof CASE_TYPES)[number];

/**
 * Control characters other than tab and line breaks (C0, DEL, C1): nothing a person types, and raw in
 * every mail, page and log the text reaches.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is what it is for.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
/** Half of a surrogate pair without the other: not a character, and no UTF-8 encodes it. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** Something to read: not only white space and invisible format characters (zero-width spaces, joiners, marks). */
const VISIBLE = /[^\s\p{Cf}]/u;

/** Whether a text shows anything at all: what `text` calls empty does not. */
export const showsSomething = (s: string) => VISIBLE.test(s);

/**
 * Trimmed text that must say something, within a length a support agent can read: a zero-width space
 * alone is as empty as a blank, and control characters or broken UTF-16 are refused, never stored.
 */
export const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max)
    .refine((s) => s === '' || showsSomething(s), 'must not be empty')
    .refine((s) => !CONTROL.test(s), 'must not contain control characters (only tabs and line breaks)')
    .refine((s) => !LONE_SURROGATE.test(s), 'must be valid Unicode text');

/** What every case says, whoever opens it. */
export const CASE_FIELDS = {
  subject: text(200),
  description: text(20_000),
  stepsToReproduce: text(20_000).optional(),
  qualifications: QualificationsSchema.optional(),
};
const common = CASE_FIELDS;

/** How support finds a buyer's purchase: the order (or invoice) and the text on their statement. */
export const PURCHASE_FIELDS = {
  orderNumber: text(100),
  /** The text on the buyer's statement, e.g. `FastSpring`, `FSPRG`, `FS*`, `FSPRG*<company>`. */
  billingDescriptor: text(100).meta({ examples: ['FastSpring', 'FSPRG', 'FS*', 'FSPRG*ACME'] }),
};

export const EmailAddressSchema = z.email().max(254);

/** A seller's case: the seller is known from the caller's identity (docs/cases.md#seller-cases). */
export const SellerCaseInputSchema = z
  .strictObject({ type: z.literal('seller'), ...common })
  .meta({ id: 'NewSellerCase', description: 'A seller’s case; the seller comes from the caller’s token.' });

/** A buyer's case: no account, so the order and the statement text are how support finds the purchase. */
export const ConsumerCaseInputSchema = z.strictObject({
  type: z.literal('consumer'),
  ...common,
  email: EmailAddressSchema,
  ...PURCHASE_FIELDS,
});

export const OpenCaseInputSchema = z.discriminatedUnion('type', [
  SellerCaseInputSchema,
  ConsumerCaseInputSchema,
]);
export type OpenCaseInput = z.infer<typeof OpenCaseInputSchema>;

/** How a case or message arrived: the HTTP API, mail, or the web portal (which calls the API). */
export const CHANNELS = ['api', 'email', 'portal'] as const;
export type Channel = (typeof CHANNELS)[number];

export const SeveritySourceSchema = z.enum(['suggested', 'agent', 'lead']);
export type SeveritySource = z.infer<typeof SeveritySourceSchema>;

export const CaseSeveritySchema = z
  .strictObject({
    level: SeverityLevelSchema,
    label: z.enum(Object.values(SEVERITY_LABELS)).meta({ description: 'the level in words' }),
    source: SeveritySourceSchema.meta({
      description: 'who set the level: the suggestion, until an agent or a lead decides',
    }),
    suggested: z.strictObject({
      level: SeverityLevelSchema,
      reasons: z.array(z.string()).meta({ description: 'the indicators that held, in words' }),
    }),
  })
  .meta({ id: 'CaseSeverity', description: 'The severity (docs/severity.md) and what the case suggests.' });
export type CaseSeverity = z.infer<typeof CaseSeveritySchema>;

export const RequesterSchema = z
  .strictObject({
    email: z
      .string()
      .nullable()
      .meta({ description: 'the requester; null only for a seller case without one' }),
    sellerId: z
      .string()
      .nullable()
      .meta({ description: 'for a seller case, the seller (company) it belongs to' }),
  })
  .meta({ id: 'Requester', description: 'Who the case is for.' });
export type Requester = z.infer<typeof RequesterSchema>;

/**
 * A requester's escalation waiting for a lead (docs/cases.md#escalations): when it was first asked for
 * and the latest reason given.
 */
export const CaseEscalationSchema = z
  .strictObject({
    requestedAt: InstantSchema.meta({
      description: 'when the requester first asked, since a lead last acted on the case',
    }),
    reason: z.string().meta({ description: 'the latest reason the requester gave' }),
  })
  .meta({
    id: 'CaseEscalation',
    description:
      'An escalation waiting for a lead; null when none waits (cleared when a lead acts on the case, or it closes).',
  });
export type CaseEscalation = z.infer<typeof CaseEscalationSchema>;

export interface Case {
  id: string;
  number: string;
  type: CaseType;
  channel: Channel;
  status: CaseStatus;
  subject: string;
  description: string;
  stepsToReproduce: string | null;
  orderNumber: string | null;
  billingDescriptor: string | null;
  requester: Requester;
  assignee: string | null;
  severity: CaseSeverity;
  sla: SlaState;
  relatedCaseId: string | null;
  /** An escalation waiting for a lead (docs/cases.md#escalations), or null. */
  escalation: CaseEscalation | null;
  /** The end-of-case survey (docs/survey.md#when-it-is-sent): null until it is sent. */
  survey: CaseSurvey | null;
  /** Meetings proposed on the case (docs/meetings.md), oldest first. */
  meetings: Meeting[];
  createdAt: Instant;
  updatedAt: Instant;
  version: number;
}

/** Crockford base32: no I, L, O, U, so a number read aloud or retyped from a subject line survives. */
const CASE_NUMBER_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** One Crockford base32 digit, as a regular-expression class (case numbers and ULID case ids use it). */
const CROCKFORD_DIGIT = '[0-9A-HJKMNP-TV-Z]';
/** A case number where it stands in text (a subject tag); match it case-insensitively. */
export const CASE_NUMBER_SOURCE = `CW-${CROCKFORD_DIGIT}{6}`;
export const CASE_NUMBER_PATTERN = new RegExp(`^${CASE_NUMBER_SOURCE}$`);
/** A case id: a ULID (26 Crockford digits). */
export const CASE_ID_PATTERN = new RegExp(`^${CROCKFORD_DIGIT}{26}$`);

/** `CW-` and six base32 digits from 30 bits of the given entropy (about a billion numbers). */
export function caseNumberFrom(entropy: Uint8Array): string {
  if (entropy.length < 4) throw new RangeError('a case number needs at least 4 bytes of entropy');
  let bits =
    (((entropy[0] ?? 0) << 24) | ((entropy[1] ?? 0) << 16) | ((entropy[2] ?? 0) << 8) | (entropy[3] ?? 0)) >>>
    2;
  let digits = '';
  for (let i = 0; i < 6; i++) {
    digits = (CASE_NUMBER_ALPHABET[bits & 31] as string) + digits;
    bits >>>= 5;
  }
  return `CW-${digits}`;
}

export interface NewCaseFacts {
  id: string;
  number: string;
  channel: Channel;
  openedAt: Instant;
  /** For a seller case, the caller's identity; for a consumer case, from the input. */
  requester: Requester;
  relatedCaseId?: string | null;
  thresholds?: BreadthThresholds;
}

/**
 * A new case, `new`, at the severity its words and answers suggest until an agent sets it, with its
 * first-response clock started at the instant it was opened.
 */
export function newCase(input: OpenCaseInput, facts: NewCaseFacts): Case {
  const suggested = suggestSeverity(
    input,
    input.qualifications ?? {},
    facts.thresholds ?? DEFAULT_BREADTH_THRESHOLDS,
  );
  const consumer = input.type === 'consumer' ? input : null;
  return {
    id: facts.id,
    number: facts.number,
    type: input.type,
    channel: facts.channel,
    status: 'new',
    subject: input.subject,
    description: input.description,
    stepsToReproduce: input.stepsToReproduce ?? null,
    // Blank only for a case opened by mail without them (docs/mail.md#missing-fields: created anyway, the
    // sender is asked).
    orderNumber: consumer?.orderNumber || null,
    billingDescriptor: consumer?.billingDescriptor || null,
    requester: consumer ? { email: consumer.email.toLowerCase(), sellerId: null } : facts.requester,
    assignee: null,
    severity: {
      level: suggested.level,
      label: SEVERITY_LABELS[suggested.level],
      source: 'suggested',
      suggested: { level: suggested.level, reasons: suggested.reasons },
    },
    sla: openSla(facts.openedAt, suggested.level),
    relatedCaseId: facts.relatedCaseId ?? null,
    escalation: null,
    survey: null,
    meetings: [],
    createdAt: facts.openedAt,
    updatedAt: facts.openedAt,
    version: 1,
  };
}
