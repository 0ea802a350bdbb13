import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import { logger } from '../../shared/adapters/powertools/observability.ts';
import type { CoreDeps } from '../../shared/app/deps.ts';
import { fireTimer } from '../../shared/app/fire-timer.ts';
import { TIMER_KINDS } from '../../shared/domain/timers.ts';

const TimerPayloadSchema = z.strictObject({
  caseId: z.string().min(1).max(64),
  kind: z.enum(TIMER_KINDS),
  window: z.string().min(1),
  dueAt: z.string().min(1),
});

/**
 * The timer queue: each message is one fired timer. A malformed message is logged and dropped (a retry
 * cannot fix it); anything that throws is reported back alone, so SQS retries it and then dead-letters it.
 */
export function createHandler(deps: CoreDeps) {
  const processor = new BatchProcessor(EventType.SQS);
  const onRecord = async (record: SQSRecord) => {
    let payload: z.infer<typeof TimerPayloadSchema>;
    try {
      payload = TimerPayloadSchema.parse(JSON.parse(record.body));
    } catch (error) {
      logger.error('dropping a malformed timer message', {
        messageId: record.messageId,
        error: error as Error,
      });
      return;
    }
    const outcome = await fireTimer(deps, payload);
    logger.info('timer fired', { ...payload, outcome: outcome.acted ? 'acted' : outcome.reason });
    // Metrics and notices follow from the events it wrote (the stream reaction), whoever wrote them.
  };
  return middy(
    async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
      processPartialResponse(event, onRecord, processor, { context }),
  ).use(injectLambdaContext(logger));
}
