import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SESEvent, SESEventRecord, SESReceiptStatus } from 'aws-lambda';
import { readInbound, type Verdict, type Verdicts } from '../../shared/adapters/email-inbound/classify.ts';
import { logger, recordMetric } from '../../shared/adapters/powertools/observability.ts';
import { type MailDeps, type MailOutcome, receiveMail } from '../../shared/app/receive-mail.ts';
import { METRICS } from '../../shared/ports/metrics.ts';

export interface InboundHandlerDeps extends MailDeps {
  /** The raw RFC 5322 message SES stored for this message id (S3 in AWS; a map locally). */
  fetchRaw(messageId: string): Promise<Buffer>;
  /**
   * Take a sender nothing is reported about for who `From` says (docs/mail.md#who-is-the-sender): only the
   * local runtime, which has no SES to check senders.
   */
  trustUnreportedSenders?: boolean;
}

export type InboundResult = { messageId: string } & MailOutcome;

const VERDICT_VALUES = new Set<string>(['PASS', 'FAIL', 'GRAY', 'PROCESSING_FAILED']);

/** The receipt's verdicts; absent ones are left to the headers SES wrote into the message. */
function verdictsOf(record: SESEventRecord): Verdicts {
  const receipt = record.ses.receipt as Partial<SESEventRecord['ses']['receipt']> | undefined;
  const verdicts: Verdicts = {};
  const take = (name: keyof Verdicts, status: SESReceiptStatus | undefined) => {
    if (status && VERDICT_VALUES.has(status.status)) verdicts[name] = status.status as Verdict;
  };
  take('spam', receipt?.spamVerdict);
  take('virus', receipt?.virusVerdict);
  take('spf', receipt?.spfVerdict);
  take('dkim', receipt?.dkimVerdict);
  take('dmarc', receipt?.dmarcVerdict);
  return verdicts;
}

/**
 * SES receipt events (docs/mail.md#inbound-mail): each message is read from where SES put it, classified, and
 * threaded, opened as a case or archived by `receiveMail`. A message that cannot be parsed is quarantined by
 * the reader, never thrown; only an infrastructure failure (store, S3) fails the invocation for a retry.
 */
export function createHandler(deps: InboundHandlerDeps) {
  async function handle(record: SESEventRecord): Promise<InboundResult> {
    const messageId = record.ses.mail.messageId;
    // SES invokes the function asynchronously and retries: a receipt is claimed in the at-most-once
    // ledger before it is handled and confirmed after. (The message itself, by whatever route it came,
    // is claimed again by `receiveMail`.)
    const key = `inbound#${messageId}`;
    const claim = await deps.ledger.claim(key, deps.clock.now());
    if (claim === 'done') return { messageId, kind: 'duplicate' };
    if (claim === 'busy') throw new Error(`message ${messageId} is being handled by another invocation`);
    try {
      const raw = await deps.fetchRaw(messageId);
      const mail = await readInbound(raw, {
        verdicts: verdictsOf(record),
        recipients: record.ses.receipt?.recipients ?? record.ses.mail.destination ?? [],
        trustUnreported: deps.trustUnreportedSenders === true,
      });
      const outcome = await receiveMail(deps, raw, mail);
      await deps.ledger.confirm(key, null);
      recordMetric(METRICS.mailReceived, {
        outcome: outcome.kind === 'archived' ? outcome.reason : outcome.kind,
      });
      logger.info('inbound mail handled', { messageId, outcome });
      return { messageId, ...outcome };
    } catch (error) {
      await deps.ledger.release(key).catch(() => undefined);
      throw error;
    }
  }
  return middy(async (event: SESEvent, _context: Context): Promise<InboundResult[]> => {
    const results: InboundResult[] = [];
    for (const record of event.Records ?? []) results.push(await handle(record));
    return results;
  }).use(injectLambdaContext(logger));
}
