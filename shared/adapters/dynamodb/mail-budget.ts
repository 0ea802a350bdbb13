import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { limitWindow } from '../../domain/email/mail-limits.ts';
import { epochOf } from '../../domain/instant.ts';
import type { MailBudget } from '../../ports/mail-safeguards.ts';
import { ENTITY_ATTRIBUTE, keys } from './case-items.ts';
import { isConditionFailure } from './dynamodb-calls.ts';
import { TTL_ATTRIBUTE } from './table-definition.ts';

/** A counter is only read during its window; two days past it leaves room for clock skew, then TTL removes it. */
const KEEP_SECONDS = 2 * 24 * 60 * 60;

/**
 * Mail budgets in the single table: one counter item per budget and window (pk `MAILBUDGET#<budget>`, sk
 * the window's first instant), spent by a conditional `ADD`, so concurrent senders never spend more than
 * the limit between them.
 */
export function createDynamoMailBudget(options: {
  client: DynamoDBDocumentClient;
  tableName: string;
}): MailBudget {
  const { client, tableName } = options;
  return {
    async take(budget, limit, now) {
      const window = limitWindow(limit, now);
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.mailBudget(budget, window.start),
            UpdateExpression: 'SET #entity = :entity, #expiration = :expiration ADD #n :one',
            ConditionExpression: 'attribute_not_exists(#n) OR #n < :max',
            ExpressionAttributeNames: {
              '#entity': ENTITY_ATTRIBUTE,
              '#expiration': TTL_ATTRIBUTE,
              '#n': 'n',
            },
            ExpressionAttributeValues: {
              ':entity': 'mail-budget',
              ':expiration': Math.floor(epochOf(window.end) / 1000) + KEEP_SECONDS,
              ':one': 1,
              ':max': limit.max,
            },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },
  };
}
