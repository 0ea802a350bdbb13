import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { epochOf, type Instant } from '../../domain/instant.ts';
import type { AutoReplyLimiter } from '../../ports/inbound-mail.ts';
import { ENTITY_ATTRIBUTE, keys } from './case-items.ts';
import { isConditionFailure } from './dynamodb-calls.ts';
import { TTL_ATTRIBUTE } from './table-definition.ts';

/** Enough for a person writing several new cases in an hour; far too few for a mail loop to matter. */
const DEFAULT_AUTO_REPLIES_PER_HOUR = 5;
/** A counter is only read during its hour; two days leaves room for clock skew, then TTL removes it. */
const KEEP_SECONDS = 2 * 24 * 60 * 60;
const HOUR_MS = 60 * 60_000;

/** Senders are counted without regard to letter case: `Bob@X` and `bob@x` share one budget. */
function senderKey(sender: string): string {
  const normalized = sender.trim().toLowerCase();
  if (normalized.length === 0) throw new RangeError('an auto-reply needs a sender');
  return normalized;
}

/** The UTC hour containing `now`, `yyyy-mm-ddThh`, and its start in epoch milliseconds. */
function hourOf(now: Instant): { label: string; start: number } {
  const start = Math.floor(epochOf(now) / HOUR_MS) * HOUR_MS;
  return { label: new Date(start).toISOString().slice(0, 13), start };
}

/**
 * The limiter in the single table: one counter item per sender and UTC hour (pk `AUTOREPLY#<sender>`,
 * sk `<yyyy-mm-ddThh>`), incremented by a conditional `ADD`, so concurrent inbound mails of one
 * sender never get more than `maxPerHour` answers between them.
 */
export function createDynamoAutoReplyLimiter(options: {
  client: DynamoDBDocumentClient;
  tableName: string;
  maxPerHour?: number;
}): AutoReplyLimiter {
  const { client, tableName, maxPerHour = DEFAULT_AUTO_REPLIES_PER_HOUR } = options;
  return {
    async allow(sender, now) {
      const hour = hourOf(now);
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.autoReplyCount(senderKey(sender), hour.label),
            UpdateExpression: 'SET #entity = :entity, #expiration = :expiration ADD #n :one',
            ConditionExpression: 'attribute_not_exists(#n) OR #n < :max',
            ExpressionAttributeNames: {
              '#entity': ENTITY_ATTRIBUTE,
              '#expiration': TTL_ATTRIBUTE,
              '#n': 'n',
            },
            ExpressionAttributeValues: {
              ':entity': 'auto-reply-count',
              ':expiration': Math.floor(hour.start / 1000) + KEEP_SECONDS,
              ':one': 1,
              ':max': maxPerHour,
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

/** The same budget in a Map, for tests and the in-process runtime. */
export function createMemoryAutoReplyLimiter(max = DEFAULT_AUTO_REPLIES_PER_HOUR): AutoReplyLimiter {
  const counts = new Map<string, number>();
  return {
    async allow(sender, now) {
      const key = `${senderKey(sender)} ${hourOf(now).label}`;
      const n = counts.get(key) ?? 0;
      if (n >= max) return false;
      counts.set(key, n + 1);
      return true;
    },
  };
}
