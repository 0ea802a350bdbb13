import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { epochOf } from '../../domain/instant.ts';
import type { Correspondents, Suppression, SuppressionList } from '../../ports/mail-safeguards.ts';
import { ENTITY_ATTRIBUTE, keys } from './case-items.ts';
import { isConditionFailure } from './dynamodb-calls.ts';
import { TABLE_KEYS, TTL_ATTRIBUTE } from './table-definition.ts';

/** A year after someone's last mail, they count as a stranger again (and their address is forgotten). */
const CORRESPONDENT_KEEP_SECONDS = 365 * 24 * 60 * 60;

/**
 * Addresses that wrote to us, in the single table (pk `SENDER#<address>`): the first and latest mail's
 * instants, kept a year past the latest.
 */
export function createDynamoCorrespondents(options: {
  client: DynamoDBDocumentClient;
  tableName: string;
}): Correspondents {
  const { client, tableName } = options;
  return {
    async noteWrote(address, at) {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.correspondent(address),
          UpdateExpression:
            'SET #entity = :entity, firstWroteAt = if_not_exists(firstWroteAt, :at), lastWroteAt = :at, #expiration = :expiration',
          ExpressionAttributeNames: { '#entity': ENTITY_ATTRIBUTE, '#expiration': TTL_ATTRIBUTE },
          ExpressionAttributeValues: {
            ':entity': 'correspondent',
            ':at': at,
            ':expiration': Math.floor(epochOf(at) / 1000) + CORRESPONDENT_KEEP_SECONDS,
          },
        }),
      );
    },
    async hasWritten(address) {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: keys.correspondent(address), ConsistentRead: true }),
      );
      return Item !== undefined;
    },
  };
}

/**
 * Suppressed addresses in the single table (pk `SUPPRESSED#<address>`): the first reason is kept, with no
 * expiry; an operator lifts one by deleting its item (README, operators).
 */
export function createDynamoSuppressionList(options: {
  client: DynamoDBDocumentClient;
  tableName: string;
}): SuppressionList {
  const { client, tableName } = options;
  return {
    async suppress(address, suppression) {
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...keys.suppressed(address),
              [ENTITY_ATTRIBUTE]: 'suppression',
              address: address.trim().toLowerCase(),
              ...suppression,
            },
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': TABLE_KEYS.partitionKey },
          }),
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    },
    async suppressionOf(address) {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: keys.suppressed(address), ConsistentRead: true }),
      );
      if (!Item) return null;
      return {
        reason: Item.reason,
        at: Item.at,
        caseId: Item.caseId ?? null,
      } as Suppression;
    },
  };
}
