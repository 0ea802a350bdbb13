import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import { logger } from '../../shared/adapters/powertools/observability.ts';
import type { CoreDeps } from '../../shared/app/deps.ts';
import { EarlyTimerError, fireTimer } from '../../shared/app/fire-timer.ts';
import { TIMER_KINDS } from '../../shared/domain/timers.ts';

const TimerPayloadSchema = z.strictObject({
  caseId: z.string().min(1).max(64),
  kind: z.enum(TIMER_KINDS),
  window: z.string().min(1),
  dueAt: z.string().min(1),
});

/** SQS takes a message's visibility timeout in whole seconds, at most 12 hours. */
const MAX_VISIBILITY_SECONDS = 12 * 60 * 60;

export interface TimerHandlerOptions {
  /**
   * Makes a message that is being handled visible again in `seconds` (SQS's ChangeMessageVisibility): an
   * early timer comes back when it is due instead of after the queue's visibility timeout. Without it
   * (the local scheduler, which never delivers early) the retry waits as any failed delivery does.
   */
  redeliverIn?: ((record: SQSRecord, seconds: number) => Promise<void>) | undefined;
}

/**
 * The timer queue: each message is one fired timer. A malformed message is logged and dropped (a retry
 * cannot fix it); anything that throws is reported back alone, so SQS retries it and then dead-letters it.
 * A timer delivered before its instant is reported back the same way, made visible again when it is due
 * (docs/timers.md#early-late-and-duplicate-deliveries).
 */
export function createHandler(deps: CoreDeps, options: TimerHandlerOptions = {}) {
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
    const outcome = await fireTimer(deps, payload).catch(async (error: unknown) => {
      // Sent back like any failure, but visible again when it is due, not after the visibility timeout.
      if (error instanceof EarlyTimerError) await redeliverWhenDue(record, error.dueInMs);
      throw error;
    });
    logger.info('timer fired', { ...payload, outcome: outcome.acted ? 'acted' : outcome.reason });
    // Metrics and notices follow from the events it wrote (the stream reaction), whoever wrote them.
  };
  /** Best effort: if SQS refuses, the message still comes back, after the queue's visibility timeout. */
  async function redeliverWhenDue(record: SQSRecord, dueInMs: number): Promise<void> {
    if (!options.redeliverIn) return;
    const seconds = Math.min(Math.ceil(dueInMs / 1_000), MAX_VISIBILITY_SECONDS);
    try {
      await options.redeliverIn(record, seconds);
    } catch (error) {
      logger.warn('could not shorten an early timer’s wait', {
        messageId: record.messageId,
        error: error as Error,
      });
    }
  }
  return middy(
    async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
      // A batch of early timers only is no failure of the function: each goes back as its own item
      // failure, already made visible again when due, without an error that counts toward the alarm.
      processPartialResponse(event, onRecord, processor, { context, throwOnFullBatchFailure: false }),
  ).use(injectLambdaContext(logger));
}
