import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { toInstant } from '../../domain/instant.ts';
import { CLAIM_LEASE_MS, type OnceLedger } from '../../ports/once-ledger.ts';
import { ENTITY_ATTRIBUTE, keys } from './case-items.ts';
import { isConditionFailure } from './dynamodb-calls.ts';
import { TABLE_KEYS, TTL_ATTRIBUTE } from './table-definition.ts';

/** Long past any stream retention (24 h) or replay anyone would run; then DynamoDB's TTL removes it. */
const KEEP_SECONDS = 90 * 24 * 60 * 60;
const ENTITY = 'once-ledger';

/** A claim that fails because its holder released it just now gets one more try. */
const CLAIM_ATTEMPTS = 2;

/**
 * The at-most-once ledger in the single table. Every write is conditional, so of two callers racing
 * for one key exactly one gets `claimed`; a `sending` claim older than the lease can be taken over.
 * `claimedAt` is an ISO instant: in that format string order is time order.
 */
export function createDynamoOnceLedger(options: {
  client: DynamoDBDocumentClient;
  tableName: string;
}): OnceLedger {
  const { client, tableName } = options;

  async function tryClaim(key: string, now: Date): Promise<boolean> {
    try {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...keys.onceLedger(key),
            [ENTITY_ATTRIBUTE]: ENTITY,
            key,
            status: 'sending',
            claimedAt: toInstant(now),
            [TTL_ATTRIBUTE]: Math.floor(now.getTime() / 1000) + KEEP_SECONDS,
          },
          ConditionExpression:
            'attribute_not_exists(#pk) OR (#status = :sending AND #claimedAt < :staleBefore)',
          ExpressionAttributeNames: {
            '#pk': TABLE_KEYS.partitionKey,
            '#status': 'status',
            '#claimedAt': 'claimedAt',
          },
          ExpressionAttributeValues: {
            ':sending': 'sending',
            ':staleBefore': toInstant(now.getTime() - CLAIM_LEASE_MS),
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  return {
    async claim(key, now) {
      for (let attempt = 1; ; attempt++) {
        if (await tryClaim(key, now)) return 'claimed';
        const { Item } = await client.send(
          new GetCommand({ TableName: tableName, Key: keys.onceLedger(key), ConsistentRead: true }),
        );
        if (Item?.status === 'sent') return 'done';
        if (Item || attempt >= CLAIM_ATTEMPTS) return 'busy';
      }
    },

    async confirm(key, reference) {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.onceLedger(key),
          UpdateExpression: 'SET #status = :sent, providerMessageId = :id',
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#pk': TABLE_KEYS.partitionKey, '#status': 'status' },
          ExpressionAttributeValues: { ':sent': 'sent', ':id': reference },
        }),
      );
    },

    async release(key) {
      try {
        await client.send(
          new DeleteCommand({
            TableName: tableName,
            Key: keys.onceLedger(key),
            ConditionExpression: '#status = :sending',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':sending': 'sending' },
          }),
        );
      } catch (error) {
        // Already sent (by a sender that took over the lease) or already gone: nothing to give back.
        if (!isConditionFailure(error)) throw error;
      }
    },
  };
}
