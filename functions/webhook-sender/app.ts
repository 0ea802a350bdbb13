import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import { logger } from '../../shared/adapters/powertools/observability.ts';
import { type DeliveryDeps, deliver, dispatchEvent } from '../../shared/app/webhooks.ts';
import {
  type CaseEventDetail,
  CaseEventDetailSchema,
  EVENT_SOURCE,
} from '../../shared/domain/case-events.ts';

/** What the bus's rule puts on the queue: the EventBridge event itself, casewatch's detail inside. */
const BusEventSchema = z.looseObject({
  source: z.literal(EVENT_SOURCE),
  'detail-type': z.string(),
  detail: CaseEventDetailSchema,
});

/** A retry the sender queued for itself (`shared/adapters/sqs/webhook-queue.ts`). */
const RetrySchema = z.strictObject({
  kind: z.literal('webhook-delivery'),
  delivery: z.strictObject({
    webhookId: z.string().min(1),
    detail: CaseEventDetailSchema,
    // ≥ 1: a delivery parked in the dead-letter queue at its first attempt may be redriven here.
    attempt: z.int().min(1),
  }),
});

/**
 * The webhook queue (docs/integrations.md#delivery): an event from the bus goes to every webhook that
 * wants it (attempt 1); a retry message is one more attempt for one webhook. A failed attempt is queued
 * again by `deliver` itself (with its delay), so a record throws only when the queue or table cannot be
 * reached, or it cannot be read — then SQS redelivers it, and after five receives dead-letters it.
 */
export function createHandler(deps: DeliveryDeps) {
  const processor = new BatchProcessor(EventType.SQS);
  const onRecord = async (record: SQSRecord) => {
    let body: unknown;
    try {
      body = JSON.parse(record.body);
    } catch {
      throw new Error(`webhook message ${record.messageId} is not JSON`);
    }
    const retry = RetrySchema.safeParse(body);
    if (retry.success) {
      const { detail, ...delivery } = retry.data.delivery;
      return deliver(deps, { ...delivery, detail: detail as CaseEventDetail });
    }
    const event = BusEventSchema.safeParse(body);
    if (event.success) return dispatchEvent(deps, event.data.detail as CaseEventDetail);
    // Not dropped: a message this version cannot read (a newer publisher mid-deploy) is redelivered and,
    // after five receives, kept in the dead-letter queue, from which it can be redriven.
    throw new Error(
      `webhook message ${record.messageId} has no known shape: ${event.error.message.slice(0, 500)}`,
    );
  };
  return middy(
    async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
      processPartialResponse(event, onRecord, processor, { context }),
  ).use(injectLambdaContext(logger));
}
