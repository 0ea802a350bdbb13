import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { epochOf } from '../../domain/instant.ts';
import { type Webhook, WebhookSchema } from '../../domain/webhook.ts';
import type { DeliveryAttempt, WebhookStore } from '../../ports/webhooks.ts';
import { ENTITY_ATTRIBUTE } from './case-items.ts';
import { isConditionFailure } from './dynamodb-calls.ts';
import { inSchemaOrder } from './key-order.ts';
import { TABLE_KEYS, TTL_ATTRIBUTE } from './table-definition.ts';

const PK = TABLE_KEYS.partitionKey;
const SK = TABLE_KEYS.sortKey;
const WEBHOOKS = 'WEBHOOKS';
const LOG_KEEP_SECONDS = 30 * 24 * 60 * 60;

const webhookKey = (id: string) => ({ [PK]: WEBHOOKS, [SK]: id });

function webhookOf(item: Record<string, unknown>): Webhook {
  const { [PK]: _pk, [SK]: _sk, [ENTITY_ATTRIBUTE]: _e, ...rest } = item;
  return inSchemaOrder(WebhookSchema, rest as unknown as Webhook);
}

function attemptOf(item: Record<string, unknown>): DeliveryAttempt {
  const a = item as unknown as DeliveryAttempt;
  return {
    webhookId: a.webhookId,
    eventId: a.eventId,
    eventType: a.eventType,
    attempt: a.attempt,
    at: a.at,
    status: a.status ?? null,
    ok: a.ok,
    error: a.error ?? null,
    durationMs: a.durationMs,
  };
}

/**
 * Webhooks and their delivery log in the single table: every webhook in one partition (a desk
 * registers a handful; the sender reads them all with one Query per event batch), each one's attempts
 * in its own partition, newest read first, gone after 30 days.
 */
export function createDynamoWebhookStore(options: {
  client: DynamoDBDocumentClient;
  tableName: string;
}): WebhookStore {
  const { client, tableName } = options;
  const setStatus = async (
    id: string,
    from: Webhook['status'],
    to: Webhook['status'],
    fields: Record<string, unknown>,
  ): Promise<boolean> => {
    const names: Record<string, string> = { '#status': 'status', '#pk': PK };
    const values: Record<string, unknown> = { ':from': from, ':to': to };
    const sets = ['#status = :to'];
    for (const [i, [name, value]] of Object.entries(fields).entries()) {
      names[`#f${i}`] = name;
      values[`:f${i}`] = value;
      sets.push(`#f${i} = :f${i}`);
    }
    try {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: webhookKey(id),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: 'attribute_exists(#pk) AND #status = :from',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  };
  return {
    async create(webhook) {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...webhookKey(webhook.id), [ENTITY_ATTRIBUTE]: 'webhook', ...webhook },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': PK },
        }),
      );
    },
    async get(id) {
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: webhookKey(id) }));
      return Item ? webhookOf(Item) : null;
    },
    async list() {
      const found: Webhook[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: '#pk = :pk',
            ExpressionAttributeNames: { '#pk': PK },
            ExpressionAttributeValues: { ':pk': WEBHOOKS },
            ExclusiveStartKey: start,
          }),
        );
        for (const item of page.Items ?? []) found.push(webhookOf(item));
        start = page.LastEvaluatedKey;
      } while (start);
      return found;
    },
    async remove(id) {
      try {
        await client.send(
          new DeleteCommand({
            TableName: tableName,
            Key: webhookKey(id),
            ConditionExpression: 'attribute_exists(#pk)',
            ExpressionAttributeNames: { '#pk': PK },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },
    pause: (id, at, reason) => setStatus(id, 'active', 'paused', { pausedAt: at, pausedReason: reason }),
    resume: (id) => setStatus(id, 'paused', 'active', { pausedAt: null, pausedReason: null }),
    async recordAttempt(a) {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            [PK]: `WEBHOOK#${a.webhookId}`,
            [SK]: `ATTEMPT#${a.at}#${a.eventId}#${a.attempt}`,
            [ENTITY_ATTRIBUTE]: 'webhook-attempt',
            ...a,
            [TTL_ATTRIBUTE]: Math.floor(epochOf(a.at) / 1000) + LOG_KEEP_SECONDS,
          },
        }),
      );
    },
    async attempts(webhookId, limit) {
      const page = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :attempt)',
          ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
          ExpressionAttributeValues: { ':pk': `WEBHOOK#${webhookId}`, ':attempt': 'ATTEMPT#' },
          ScanIndexForward: false,
          Limit: limit,
        }),
      );
      return (page.Items ?? []).map(attemptOf);
    },
  };
}
