import { withoutSubjectTags } from './addressing.ts';

/*
 * Subjects of inbound mail (docs/mail.md#new-cases-from-mail): what a client put before the subject it
 * answers or passes on, and what casewatch's own notices put there, so that a case opened by mail is named
 * by what it is about, not "Re: Case closed: Fwd: …".
 */

/** What casewatch's notices to a requester say before the case's subject (shared/adapters/email/templates.ts). */
export const NOTICE_SUBJECTS = {
  acknowledgment: 'We received your case',
  pendingClosure: 'Is your issue resolved?',
  closed: 'Case closed',
  survey: 'How did we do?',
} as const;

/**
 * "Re:" and its forms in the languages casewatch's customers write (Outlook's German "AW:", Nordic "SV:",
 * Russian "Ответ:", Japanese "返信:", Chinese "回复:"), with the counter some clients add ("Re[2]:"),
 * full-width colons included.
 */
const REPLY_PREFIX = /^(re|aw|sv|antw|réf|ответ|返信|回复|答复)(\[\d+\])?\s*[:：]\s*/iu;
/** "Fwd:" and its forms: "WG:" (German), "RV:" (Spanish), "Пересл:", "転送:". */
const FORWARD_PREFIX = /^(fwd?|wg|rv|enc|пересл|転送|转发)(\[\d+\])?\s*[:：]\s*/iu;
/**
 * Short forms that are also words or codes people start subjects with ("R: ggplot crashes", "I: cannot
 * log in", "TR: 808"): Italian "R:"/"I:", French "TR:", Finnish "VS:"/"VL:", Portuguese "RES:", Polish
 * "PD:". Read as prefixes only in a mail that answers or names one of ours (`answering`).
 */
const SHORT_REPLY_PREFIX = /^(r|vs|res|rif)(\[\d+\])?\s*[:：]\s*/iu;
const SHORT_FORWARD_PREFIX = /^(i|tr|vl|vb|pd)(\[\d+\])?\s*[:：]\s*/iu;

/**
 * Whether the subject says the mail answers another (`reply`), passes one on (`forward`), or neither.
 * `answering`: the mail has `In-Reply-To`/`References` or our `[CW-…]` tag, so short prefixes count too.
 */
export function subjectKind(subject: string, answering = false): 'reply' | 'forward' | null {
  const s = withoutSubjectTags(subject);
  if (FORWARD_PREFIX.test(s) || (answering && SHORT_FORWARD_PREFIX.test(s))) return 'forward';
  if (REPLY_PREFIX.test(s) || (answering && SHORT_REPLY_PREFIX.test(s))) return 'reply';
  return null;
}

/**
 * The subject a case opened by this mail gets: without our `[CW-…]` tags, the clients' reply and forward
 * prefixes (the short ones only when `answering`, as for `subjectKind`) and the words our own notices put
 * first — whatever is left of what the sender wrote about.
 */
export function caseSubjectOfMail(subject: string, answering = false): string {
  const own = Object.values(NOTICE_SUBJECTS);
  const prefixes = answering
    ? [REPLY_PREFIX, FORWARD_PREFIX, SHORT_REPLY_PREFIX, SHORT_FORWARD_PREFIX]
    : [REPLY_PREFIX, FORWARD_PREFIX];
  let s = withoutSubjectTags(subject);
  for (;;) {
    const before = s;
    for (const prefix of prefixes) s = s.replace(prefix, '').trimStart();
    for (const phrase of own) {
      const separator = phrase.endsWith('?') ? ' ' : ': ';
      if (s.toLowerCase().startsWith(`${phrase}${separator}`.toLowerCase()))
        s = s.slice(phrase.length + separator.length).trimStart();
    }
    if (s === before) return s.trim();
  }
}
