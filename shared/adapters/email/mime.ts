import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { headerSafe } from '../../domain/email/addressing.ts';

export interface MimeMail {
  from: string;
  to: string | string[];
  /** The per-case reply address for customer mail. */
  replyTo?: string | null;
  subject: string;
  text: string;
  html: string;
  /** `<…@…>`, e.g. from `signedMessageId(caseId, eventPart, key, domain)`. */
  messageId: string;
  inReplyTo?: string | null;
  references?: string[];
  /** Adds `Auto-Submitted: auto-generated` (RFC 3834) and asks Exchange-style responders to stay quiet. */
  automatic: boolean;
  /** The `Date` header; the time of composing when absent. */
  date?: Date;
  /** A calendar invitation: sent as a `text/calendar; method=…` alternative (and an .ics file) by nodemailer. */
  calendar?: { method: 'REQUEST' | 'CANCEL'; content: string } | undefined;
}

/**
 * A raw RFC 5322 message, `multipart/alternative` with text and HTML, via nodemailer's composer only. With
 * `calendar`, nodemailer adds the invitation as a third alternative (`text/calendar; method=…`, which
 * calendar clients act on) and again as an `invite.ics` attachment (`application/ics`), wrapping both in
 * `multipart/mixed`.
 */
export function composeMime(mail: MimeMail): Promise<Buffer> {
  const headers: Record<string, string> = mail.automatic
    ? { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' }
    : {};
  const references = (mail.references ?? []).filter((r) => r.length > 0);
  return new MailComposer({
    from: mail.from,
    to: mail.to,
    ...(mail.replyTo ? { replyTo: mail.replyTo } : {}),
    subject: headerSafe(mail.subject),
    text: mail.text,
    html: mail.html,
    messageId: mail.messageId,
    ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo } : {}),
    ...(references.length > 0 ? { references } : {}),
    ...(mail.date ? { date: mail.date } : {}),
    ...(mail.calendar
      ? {
          icalEvent: { method: mail.calendar.method, content: mail.calendar.content, filename: 'invite.ics' },
        }
      : {}),
    headers,
  })
    .compile()
    .build();
}
