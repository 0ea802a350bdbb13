import type { Case } from '../case.ts';
import { epochOf, type Instant, toInstant } from '../instant.ts';

/**
 * How much automatic mail casewatch sends, and what it may say, so that nobody can use it to mail
 * strangers (docs/mail.md#who-gets-what): pure rules, counted by a `MailBudget` port.
 */

/** At most `max` mails in each window of `windowHours`, windows aligned on the UTC epoch (clock hours). */
export interface MailLimit {
  max: number;
  windowHours: number;
}

/**
 * Automatic mail to one address (acknowledgments, closing and survey mail, whatever opened the case):
 * a customer's own case rarely sends more than three in an hour (an acknowledgment; a closure and its
 * survey), and five still lets a person open a second case in the same hour; a stranger's address given
 * thirty times gets five mails, not thirty, and a mail loop is cut off after five.
 */
export const AUTOMATIC_MAIL_PER_RECIPIENT: MailLimit = { max: 5, windowHours: 1 };

/**
 * Escalation notices to the leads, per case: one in each four-hour block (UTC 00:00, 04:00, …). A
 * requester may ask again and again (each ask is still on the timeline), but the leads' inboxes hear of
 * one case at most six times a day.
 */
export const ESCALATION_NOTICES_PER_CASE: MailLimit = { max: 1, windowHours: 4 };

const HOUR_MS = 60 * 60_000;

/** The window of `limit` containing `now`: its first instant (which names it) and the first after it. */
export function limitWindow(limit: MailLimit, now: Instant): { start: Instant; end: Instant } {
  const length = limit.windowHours * HOUR_MS;
  const start = Math.floor(epochOf(now) / length) * length;
  return { start: toInstant(start), end: toInstant(start + length) };
}

/** One address, one budget, whatever letter case it is written in. */
export function recipientBudget(address: string): string {
  const normalized = address.trim().toLowerCase();
  if (normalized.length === 0) throw new RangeError('a mail needs a recipient');
  return `to:${normalized}`;
}

export function escalationBudget(caseId: string): string {
  return `escalation:${caseId}`;
}

/**
 * Whether mail to the case's requester may repeat words the requester typed (the case's subject): only
 * when that address has written to us by mail, or is a seller's (who signed in). Anyone else may have been
 * named by a stranger, and gets the case number, what happens next and the link, nothing more.
 */
export function mayQuoteRequester(c: Pick<Case, 'type'>, hasWrittenToUs: boolean): boolean {
  return c.type === 'seller' || hasWrittenToUs;
}
