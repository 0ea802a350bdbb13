import type { Case } from '../case.ts';
import type { Decision } from '../changes/decision.ts';
import type { Instant } from '../instant.ts';
import { SYSTEM_ACTOR } from '../timeline.ts';

/**
 * What the mail service reports back about mail casewatch sent (docs/mail.md#bounces-and-complaints): a
 * hard bounce (the address does not exist, or refuses us for good), a soft one (full mailbox, a server
 * down: it may work later), or a complaint (the recipient marked it as spam).
 */
export type FeedbackKind = 'hard-bounce' | 'soft-bounce' | 'complaint';

export interface MailFeedback {
  kind: FeedbackKind;
  /** The report's own id: the same report delivered twice is recorded once. */
  feedbackId: string;
  at: Instant;
  recipients: { address: string; diagnostic: string | null }[];
  /** The case the mail was about, when it can be told. */
  caseId: string | null;
  /** The kind of mail it was (`acknowledgment`, …), when it can be told. */
  notice: string | null;
}

/**
 * Hard bounces and complaints stop all further mail to the address: mailing it again would only hurt
 * the sender's reputation (or annoy someone who said no). A soft bounce does not: the next mail may
 * get through.
 */
export function suppresses(kind: FeedbackKind): boolean {
  return kind !== 'soft-bounce';
}

/**
 * The case's record of the report: one internal event per recipient, by casewatch itself. The case is
 * otherwise unchanged (closed ones too: a survey can bounce after the closing), and no deadline moves.
 */
export function recordMailFeedback(c: Case, feedback: MailFeedback): Decision {
  const suppressed = suppresses(feedback.kind);
  return {
    case: c,
    events: feedback.recipients.map((r) =>
      feedback.kind === 'complaint'
        ? {
            type: 'mail.complained' as const,
            recipient: r.address,
            notice: feedback.notice,
            suppressed,
            actor: SYSTEM_ACTOR,
          }
        : {
            type: 'mail.bounced' as const,
            recipient: r.address,
            bounce: feedback.kind === 'hard-bounce' ? ('hard' as const) : ('soft' as const),
            notice: feedback.notice,
            diagnostic: r.diagnostic,
            suppressed,
            actor: SYSTEM_ACTOR,
          },
    ),
  };
}
