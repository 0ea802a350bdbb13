import { agentDisplayName } from '../../domain/agent-name.ts';
import type { Case } from '../../domain/case.ts';
import { headerSafe, subjectTag } from '../../domain/email/addressing.ts';
import { NOTICE_SUBJECTS } from '../../domain/email/mail-subject.ts';
import { escapeHtml } from '../../domain/html.ts';
import { epochOf, type Instant } from '../../domain/instant.ts';
import { withLinks } from '../../domain/links.ts';
import { type Meeting, type MeetingSlot, proposalExpiresAt } from '../../domain/meeting.ts';
import { audienceOf, type Notice } from '../../ports/notifier.ts';

export interface TemplateContext {
  /** The zone dates are told in; America/Los_Angeles (the office's) unless given. */
  timeZone?: string;
  /** Product name in greetings and signatures; `casewatch` unless given. */
  brand?: string;
  /** Link to the case (the console for internal notices, the requester's view for customer mail). */
  caseUrl?: string | null;
  /** Dates in this year are told without one; the notice's own date otherwise (case creation). */
  now?: Instant;
  /** The survey page for a signed token; a survey notice cannot be rendered without it. */
  surveyUrl?: (token: string) => string;
  /** The meeting page for a signed meeting link and a slot; a proposal cannot be rendered without it. */
  meetingUrl?: (token: string, slot: Instant) => string;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
  /** RFC 3834 `Auto-Submitted: auto-generated`: everything but a person's message. */
  automatic: boolean;
  audience: 'customer' | 'internal';
}

const DEFAULT_TIME_ZONE = 'America/Los_Angeles';

const partsFormatters = new Map<string, Intl.DateTimeFormat>();
/** `Pacific Time` (generic), or `Pacific Standard Time` (specific) where a time needs telling apart. */
function formatterFor(
  timeZone: string,
  zoneName: 'longGeneric' | 'long' = 'longGeneric',
): Intl.DateTimeFormat {
  const key = `${timeZone} ${zoneName}`;
  let f = partsFormatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'long',
      month: 'long',
      day: 'numeric',
      year: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
      hour12: true,
      timeZoneName: zoneName,
    });
    partsFormatters.set(key, f);
  }
  return f;
}

/** How far apart the two readings of one wall-clock time can be when the clocks go back (30 min or an hour). */
const FALL_BACK_MS = [30 * 60_000, 60 * 60_000];

/**
 * An instant in words a requester reads: `5:00 PM Pacific Time on Tuesday, December 1`, with the
 * year only when it is not the reference instant's year.
 */
export function formatWhen(at: Instant, timeZone = DEFAULT_TIME_ZONE, reference?: Instant): string {
  const f = formatterFor(timeZone);
  const parts = (ms: number, formatter = f) =>
    Object.fromEntries(formatter.formatToParts(ms).map((p) => [p.type, p.value])) as Record<string, string>;
  const p = parts(epochOf(at));
  const sameYear = reference !== undefined && parts(epochOf(reference)).year === p.year;
  const date = `${p.weekday}, ${p.month} ${p.day}${sameYear ? '' : `, ${p.year}`}`;
  // When the clocks go back, one wall-clock time happens twice: name the zone's standard or daylight
  // time then, so "1:30 AM" says which of the two it is.
  const wall = (q: Record<string, string>) =>
    `${q.year} ${q.month} ${q.day} ${q.hour}:${q.minute} ${q.dayPeriod}`;
  const twice = FALL_BACK_MS.some((d) =>
    [epochOf(at) - d, epochOf(at) + d].some((other) => wall(parts(other)) === wall(p)),
  );
  const zone = twice ? parts(epochOf(at), formatterFor(timeZone, 'long')).timeZoneName : p.timeZoneName;
  return `${p.hour}:${p.minute} ${p.dayPeriod} ${zone} on ${date}`;
}

const WHAT = { 'first-response': 'first response', 'next-update': 'next update' } as const;

const listFormat = new Intl.ListFormat('en', { style: 'long', type: 'conjunction' });

/** A piece of the body: plain words (escaped in HTML), a quotation, or a link. */
type Block =
  | { p: string }
  | { quote: string }
  | { link: string; label: string }
  | { fields: Array<[string, string]> };

function textOf(blocks: Block[]): string {
  return `${blocks
    .map((b) => {
      if ('p' in b) return b.p;
      if ('quote' in b)
        return b.quote
          .split(/\r?\n/)
          .map((l) => (l ? `> ${l}` : '>'))
          .join('\n');
      if ('link' in b) return `${b.label}: ${b.link}`;
      return b.fields.map(([k, v]) => `${k}: ${v}`).join('\n');
    })
    .join('\n\n')}\n`;
}

/** Words as HTML: escaped, line breaks kept, and their web addresses made links a phone can tap. */
function lines(s: string): string {
  return withLinks(s)
    .map((part) =>
      'url' in part
        ? `<a href="${escapeHtml(part.url)}">${escapeHtml(part.url)}</a>`
        : escapeHtml(part.text).replace(/\r?\n/g, '<br>\n'),
    )
    .join('');
}
const safeHref = (url: string) => /^https?:\/\//i.test(url);

function htmlOf(blocks: Block[]): string {
  const body = blocks
    .map((b) => {
      if ('p' in b) return `<p>${lines(b.p)}</p>`;
      if ('quote' in b)
        return `<blockquote style="margin:0 0 1em;padding-left:1em;border-left:3px solid #ccc">${lines(b.quote)}</blockquote>`;
      if ('link' in b)
        return safeHref(b.link)
          ? `<p><a href="${escapeHtml(b.link)}">${escapeHtml(b.label)}</a></p>`
          : `<p>${escapeHtml(b.label)}: ${escapeHtml(b.link)}</p>`;
      return `<table>${b.fields
        .map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${lines(v)}</td></tr>`)
        .join('')}</table>`;
    })
    .join('\n');
  // A phone shows it at its own width; a long address wraps instead of widening the mail.
  return `<!doctype html>\n<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"></head><body style="font-family:sans-serif;overflow-wrap:anywhere;word-break:break-word">\n${body}\n</body></html>\n`;
}

/** `[CW-XXXXXX] <what>`, on one header line whatever the case's subject holds. */
function subjectLine(c: Case, what: string, reply = false): string {
  return headerSafe(`${reply ? 'Re: ' : ''}${subjectTag(c.number)} ${what}`);
}

function mail(
  subject: string,
  blocks: Block[],
  audience: RenderedMail['audience'],
  automatic = true,
): RenderedMail {
  return { subject, text: textOf(blocks), html: htmlOf(blocks), automatic, audience };
}

/** Renders one notice as subject, text and HTML. Pure: the same notice and context give the same mail. */
export function renderNotice(notice: Notice, context: TemplateContext = {}): RenderedMail {
  const tz = context.timeZone ?? DEFAULT_TIME_ZONE;
  const brand = context.brand ?? 'casewatch';
  const c = notice.case;
  const audience = audienceOf(notice);
  const ref = context.now ?? c.createdAt;
  const when = (at: Instant) => formatWhen(at, tz, ref);
  const caseLink: Block[] = context.caseUrl
    ? [{ link: context.caseUrl, label: `View case ${c.number}` }]
    : [];
  const replyHint: Block = {
    p: `Reply to this email to add to case ${c.number}; please keep ${subjectTag(c.number)} in the subject.`,
  };
  const sign: Block = { p: `— ${brand} support` };
  const staffReplyHint: Block = {
    p: 'Reply to this email to add an internal note to the case; the customer does not see it. Answer the customer in the portal.',
  };
  // What the requester typed goes only to an address that wrote to us (docs/mail.md#who-gets-what).
  const about = (what: string, separator = ': ') =>
    'requesterText' in notice && notice.requesterText ? `${what}${separator}${c.subject}` : what;

  switch (notice.kind) {
    case 'acknowledgment':
      return mail(
        subjectLine(c, about(NOTICE_SUBJECTS.acknowledgment)),
        [
          { p: `Thank you for contacting ${brand} support. Your case number is ${c.number}.` },
          ...(notice.relatedCaseNumber
            ? [
                {
                  p: `Your earlier case ${notice.relatedCaseNumber} was closed, so we opened this new case ${c.number} for your message.`,
                },
              ]
            : []),
          {
            fields: [
              ['Case', c.number],
              ...(notice.requesterText ? [['Subject', c.subject] as [string, string]] : []),
              ['Severity', c.severity.label],
              ['First response by', when(notice.firstResponseDueAt)],
            ],
          },
          ...(notice.missing.length > 0
            ? [
                {
                  p: `We could not find your ${listFormat.format(notice.missing)} in your message; please reply to this email with ${notice.missing.length === 1 ? 'it' : 'them'} so we can look into your case. Your case is open in the meantime.`,
                },
              ]
            : []),
          { p: `You can expect our first response by ${when(notice.firstResponseDueAt)}.` },
          ...caseLink,
          replyHint,
          sign,
        ],
        audience,
      );
    case 'agent.message':
      return mail(
        subjectLine(c, notice.requesterText ? c.subject : 'A reply on your case', true),
        [
          { p: `${agentDisplayName(notice.author)} wrote on case ${c.number}:` },
          { quote: notice.body },
          ...caseLink,
          replyHint,
          sign,
        ],
        audience,
        false,
      );
    case 'pending-closure':
      return mail(
        subjectLine(c, about(NOTICE_SUBJECTS.pendingClosure, ' '), true),
        [
          {
            p: `We believe case ${c.number} is resolved. Unless we hear from you, it will close automatically at ${when(notice.autoCloseAt)}.`,
          },
          ...(notice.note ? [{ quote: notice.note }] : []),
          { p: 'If you still need help, just reply to this email and the case stays open.' },
          ...caseLink,
          sign,
        ],
        audience,
      );
    case 'closure':
      return mail(
        subjectLine(c, about(NOTICE_SUBJECTS.closed), true),
        [
          {
            p: notice.auto
              ? `Case ${c.number} has been closed automatically, since we did not hear back from you.`
              : `Case ${c.number} has been closed.`,
          },
          { p: 'If the problem comes back, reply to this email and we will open a follow-up case.' },
          ...caseLink,
          sign,
        ],
        audience,
      );
    case 'survey':
      return mail(
        subjectLine(c, about(NOTICE_SUBJECTS.survey, ' '), true),
        [
          {
            p: `Please tell us how we handled case ${c.number}: three quick ratings and an optional comment.`,
          },
          { link: surveyLink(notice.surveyToken, context), label: 'Rate our support' },
          sign,
        ],
        audience,
      );
    case 'sla.at_risk':
      return mail(
        subjectLine(c, `At risk: ${WHAT[notice.deadline]} due ${when(notice.dueAt)}`),
        [
          {
            p: `The ${WHAT[notice.deadline]} on case ${c.number} is due at ${when(notice.dueAt)}; 75% of its window has passed.`,
          },
          internalFields(c),
          ...caseLink,
          staffReplyHint,
        ],
        audience,
      );
    case 'sla.breached':
      return mail(
        subjectLine(c, `Breached: ${WHAT[notice.deadline]} was due ${when(notice.dueAt)}`),
        [
          {
            p: `The ${WHAT[notice.deadline]} on case ${c.number} was due at ${when(notice.dueAt)} and was breached at ${when(notice.breachedAt)}.`,
          },
          internalFields(c),
          ...caseLink,
          staffReplyHint,
        ],
        audience,
      );
    case 'escalation.requested':
      return mail(
        subjectLine(c, 'Escalation requested'),
        [
          { p: `The requester of case ${c.number} asks for an escalation:` },
          { quote: notice.reason },
          internalFields(c),
          ...caseLink,
          staffReplyHint,
        ],
        audience,
      );
    case 'customer.replied':
      return mail(
        subjectLine(c, 'Customer replied; case reopened'),
        [
          {
            p: `The customer wrote on case ${c.number} while it was ${notice.from.replace('_', ' ')}; it is open again.`,
          },
          internalFields(c),
          ...caseLink,
          staffReplyHint,
        ],
        audience,
      );
    case 'meeting.proposal': {
      const m = notice.meeting;
      return mail(
        subjectLine(c, `Pick a time to talk: ${m.topic}`, true),
        [
          {
            p: `${agentDisplayName(m.organizer)} from ${brand} support would like to talk with you about case ${c.number}: ${m.topic}.`,
          },
          { p: 'Pick the time that suits you best (no sign-in needed; you confirm on the page):' },
          ...m.slots.map(
            (slot): Block => ({
              link: meetingLink(notice.linkToken, slot.start, context),
              label: slotWords(slot, when),
            }),
          ),
          ...joinBlocks(m),
          {
            p: `If none of these times suit you, reply to this email with one that does. The times are held until ${when(proposalExpiresAt(m))}.`,
          },
          ...caseLink,
          sign,
        ],
        audience,
        // A person's proposal on the customer's case, like an agent's message: not automatic mail.
        false,
      );
    }
    case 'meeting.invitation':
    case 'meeting.staff-invitation': {
      const m = notice.meeting;
      const slot = m.scheduled;
      if (!slot) throw new TypeError(`meeting ${m.id} has no time to invite to`);
      const cancelled = notice.method === 'CANCEL';
      const what = cancelled ? 'Cancelled' : m.sequence > 0 ? 'Updated invitation' : 'Invitation';
      return mail(
        subjectLine(c, `${what}: ${m.topic} — ${when(slot.start)}`, notice.kind === 'meeting.invitation'),
        [
          {
            p: cancelled
              ? `The meeting about case ${c.number} at ${when(slot.start)} is cancelled.`
              : `The meeting about case ${c.number} is ${m.sequence > 0 ? 'now set' : 'set'} for ${slotWords(slot, when)}.`,
          },
          {
            fields: [
              ['Topic', m.topic],
              ...(cancelled && notice.reason ? [['Reason', notice.reason] as [string, string]] : []),
            ],
          },
          ...(cancelled ? [] : joinBlocks(m)),
          {
            p: cancelled
              ? 'The calendar entry is attached; opening it removes the meeting from your calendar.'
              : 'The calendar invitation is attached; accept it to add the meeting to your calendar.',
          },
          ...(notice.kind === 'meeting.staff-invitation' ? [internalFields(c)] : []),
          ...caseLink,
          ...(notice.kind === 'meeting.invitation' ? [sign] : []),
        ],
        audience,
        false,
      );
    }
    case 'meeting.reminder':
    case 'meeting.staff-reminder': {
      const m = notice.meeting;
      const slot = m.scheduled;
      if (!slot) throw new TypeError(`meeting ${m.id} has no time to remind of`);
      return mail(
        subjectLine(c, `Starting soon: ${m.topic} — ${when(slot.start)}`, notice.kind === 'meeting.reminder'),
        [
          { p: `A reminder: the meeting about case ${c.number} starts at ${slotWords(slot, when)}.` },
          { fields: [['Topic', m.topic]] },
          ...joinBlocks(m),
          ...(notice.kind === 'meeting.staff-reminder' ? [internalFields(c)] : []),
          ...caseLink,
          ...(notice.kind === 'meeting.reminder' ? [sign] : []),
        ],
        audience,
      );
    }
    case 'meeting.expired':
      return mail(
        subjectLine(c, `No time picked: ${notice.meeting.topic}`),
        [
          {
            p: `Nobody picked a time for the meeting proposed on case ${c.number}; its last slot has passed. Propose new times, or write to the requester.`,
          },
          internalFields(c),
          ...caseLink,
        ],
        audience,
      );
  }
}

/** `10:00 AM Pacific Time on Tuesday, December 8 (30 minutes)`. */
function slotWords(slot: MeetingSlot, when: (at: Instant) => string): string {
  return `${when(slot.start)} (${slot.durationMinutes} minutes)`;
}

/** How to join, as the agent gave it: the link (clickable) and the dial-in text. */
function joinBlocks(m: Meeting): Block[] {
  return [
    ...(m.join.url ? [{ link: m.join.url, label: 'Join the call' }] : []),
    ...(m.join.dialIn ? [{ fields: [['Dial-in', m.join.dialIn]] as Array<[string, string]> }] : []),
  ];
}

/** The meeting page with the slot chosen; the page asks to confirm, so a link preview picks nothing. */
function meetingLink(token: string, start: Instant, context: TemplateContext): string {
  if (!context.meetingUrl) throw new TypeError('a meeting proposal needs context.meetingUrl');
  return context.meetingUrl(token, start);
}

function surveyLink(token: string, context: TemplateContext): string {
  if (!context.surveyUrl) throw new TypeError('a survey mail needs context.surveyUrl');
  return context.surveyUrl(token);
}

function internalFields(c: Case): Block {
  return {
    fields: [
      ['Case', c.number],
      ['Subject', c.subject],
      ['Severity', c.severity.label],
      ['Status', c.status.replace('_', ' ')],
      ['Requester', c.requester.email ?? c.requester.sellerId ?? 'unknown'],
      ['Assignee', c.assignee ?? 'nobody'],
    ],
  };
}

export { agentDisplayName, escapeHtml };
