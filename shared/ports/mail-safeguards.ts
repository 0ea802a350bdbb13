import type { MailLimit } from '../domain/email/mail-limits.ts';
import type { Instant } from '../domain/instant.ts';
import type { Notice } from './notifier.ts';

/**
 * Addresses that have written to casewatch: mail to them may repeat what the case says
 * (docs/mail.md#who-gets-what). Addresses are matched without regard to letter case.
 */
export interface Correspondents {
  /** A person's mail from this address arrived at `at`. */
  noteWrote(address: string, at: Instant): Promise<void>;
  hasWritten(address: string): Promise<boolean>;
}

/** Why an address gets no more mail: it bounced for good, or its owner reported our mail as spam. */
export type SuppressionReason = 'bounce' | 'complaint';

export interface Suppression {
  reason: SuppressionReason;
  at: Instant;
  /** The case whose mail bounced or was complained about, when known. */
  caseId: string | null;
}

/** Addresses no mail goes to any more (docs/mail.md#bounces-and-complaints), matched without letter case. */
export interface SuppressionList {
  /** Keeps the first suppression of an address; a later one changes nothing. */
  suppress(address: string, suppression: Suppression): Promise<void>;
  suppressionOf(address: string): Promise<Suppression | null>;
}

/**
 * Budgets of automatic mail (docs/mail.md#limits): `take` spends one mail of `budget` in the window of
 * `limit` containing `now`, and answers whether there was one left. Concurrent takers never spend more
 * than the limit between them.
 */
export interface MailBudget {
  take(budget: string, limit: MailLimit, now: Instant): Promise<boolean>;
}

/** A mail about to go out, as the safeguards see it. */
export interface OutgoingMail {
  notice: Notice;
  audience: 'customer' | 'internal';
  /** Sent by casewatch of itself (everything but an agent's message). */
  automatic: boolean;
  to: string[];
}

/**
 * Decides, right before a mail is sent (once per mail: after it is claimed), which of its recipients
 * may get it; the others are suppressed, and the screen records why.
 */
export type MailScreen = (mail: OutgoingMail, now: Instant) => Promise<string[]>;
