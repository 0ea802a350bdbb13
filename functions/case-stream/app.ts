import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { changeFromStreamRecord } from '../../shared/adapters/dynamodb/stream-records.ts';
import { logger, recordMetric } from '../../shared/adapters/powertools/observability.ts';
import { type ReactionDeps, reactToChange } from '../../shared/app/react-to-change.ts';
import { publishChanges } from '../../shared/app/webhooks.ts';

/**
 * The table's stream: first the batch's timeline events are published on the event bus, in order
 * (docs/integrations.md#events-out); then each record reconciles its case's timers or sends the notice its
 * event calls for. Records run in order, one at a time; a failed record is reported, and Lambda retries
 * the batch from it, so the records after it run again - which is safe, since every reaction is
 * idempotent and subscribers drop events they have seen by id. A publish that still fails after its own
 * retries fails the whole batch, so no event is skipped.
 */
export function createHandler(deps: ReactionDeps) {
  const processor = new BatchProcessor(EventType.DynamoDBStreams);
  const withMetrics: ReactionDeps = { recordMetric, ...deps };
  const onRecord = async (record: DynamoDBRecord) =>
    reactToChange(withMetrics, changeFromStreamRecord(record));
  return middy(async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> => {
    const { events } = deps;
    if (events)
      await publishChanges({ store: deps.store, events }, event.Records.map(changeFromStreamRecord));
    return processPartialResponse(event, onRecord, processor, { context, processInParallel: false });
  }).use(injectLambdaContext(logger));
}
