import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { feedbackFromEvent, SesFeedbackEventSchema } from '../../shared/adapters/email/ses-feedback.ts';
import { logger } from '../../shared/adapters/powertools/observability.ts';
import {
  type FeedbackOutcome,
  type MailFeedbackDeps,
  recordMailFeedback,
} from '../../shared/app/mail-feedback.ts';

export interface MailEventDeps extends MailFeedbackDeps {
  /** Our Message-IDs are on this domain (how mail sent before the `case` tag names its case). */
  mailDomain: string;
}

/**
 * SES's bounce and complaint events for mail sent through casewatch's configuration set, through
 * EventBridge (docs/mail.md#bounces-and-complaints): each is recorded on the case it concerns, and a hard
 * bounce or complaint stops all further mail to the address. An event of another shape is thrown on, so
 * it ends in the dead-letter queue, which alarms, rather than vanishing.
 */
export function createHandler(deps: MailEventDeps) {
  async function handle(event: unknown, _context: Context): Promise<FeedbackOutcome> {
    const parsed = SesFeedbackEventSchema.safeParse(event);
    if (!parsed.success) throw new Error(`not an SES bounce or complaint event: ${parsed.error.message}`);
    const feedback = feedbackFromEvent(parsed.data, deps.mailDomain);
    const outcome = await recordMailFeedback(deps, feedback);
    logger.info('mail feedback', { kind: feedback.kind, notice: feedback.notice, ...outcome });
    return outcome;
  }
  return middy(handle).use(injectLambdaContext(logger));
}
