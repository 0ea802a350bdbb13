import {
  type MailFeedback,
  recordMailFeedback as record,
  suppresses,
} from '../domain/email/mail-feedback.ts';
import { AlreadyAppliedError } from '../ports/case-store.ts';
import type { SuppressionList } from '../ports/mail-safeguards.ts';
import { METRICS, type RecordMetric } from '../ports/metrics.ts';
import { changeCase } from './change-case.ts';
import type { CoreDeps } from './deps.ts';
import { NotFoundError } from './errors.ts';

export interface MailFeedbackDeps extends CoreDeps {
  suppressions: SuppressionList;
  recordMetric?: RecordMetric | undefined;
}

export interface FeedbackOutcome {
  /** The case it was recorded on; null when it names none that exists. */
  caseId: string | null;
  /** False when this very report had been recorded before. */
  firstTime: boolean;
  recipients: { address: string; suppressed: boolean }[];
}

/**
 * A bounce or complaint of our mail (docs/mail.md#bounces-and-complaints): a hard bounce or complaint
 * puts the address on the suppression list first (so no mail goes to it even if the case cannot be
 * found), then the report is recorded on its case as internal events, once per report (its id is the
 * change's once-key), and counted in `MailFeedback` by kind.
 */
export async function recordMailFeedback(
  deps: MailFeedbackDeps,
  feedback: MailFeedback,
): Promise<FeedbackOutcome> {
  const suppressed = suppresses(feedback.kind);
  if (suppressed) {
    for (const r of feedback.recipients) {
      await deps.suppressions.suppress(r.address, {
        reason: feedback.kind === 'complaint' ? 'complaint' : 'bounce',
        at: feedback.at,
        caseId: feedback.caseId,
      });
    }
  }
  let caseId: string | null = null;
  let firstTime = true;
  if (feedback.caseId) {
    try {
      await changeCase(deps, { kind: 'system' }, feedback.caseId, undefined, (c) => record(c, feedback), {
        // Bookkeeping about mail, not support work: it settles no deadline.
        settle: false,
        onceKey: `mail-feedback#${feedback.feedbackId}`,
      });
      caseId = feedback.caseId;
    } catch (error) {
      if (error instanceof AlreadyAppliedError) {
        caseId = feedback.caseId;
        firstTime = false;
      } else if (!(error instanceof NotFoundError)) throw error;
    }
  }
  if (firstTime)
    for (const _ of feedback.recipients) deps.recordMetric?.(METRICS.mailFeedback, { kind: feedback.kind });
  return {
    caseId,
    firstTime,
    recipients: feedback.recipients.map((r) => ({ address: r.address, suppressed })),
  };
}
