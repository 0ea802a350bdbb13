import { type DynamoDBDocumentClient, paginateScan, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SlaPolicy } from '../../domain/sla-policy.ts';
import { caseFromItem, caseToItem, ENTITY_ATTRIBUTE } from './case-items.ts';
import { isConditionFailure } from './dynamodb-calls.ts';
import { GLOBAL_INDEXES, TABLE_KEYS } from './table-definition.ts';

/**
 * Writes every case item's list-index keys as this version derives them: what a table made before an
 * index existed (the whole queue's `openQueue`) needs once. The one scan in casewatch, run by hand
 * (`npm run reindex`), never on a request or timer path. Each update is conditioned on the case's version,
 * so a case written meanwhile (which wrote its own, current keys) is left alone.
 */
export async function reindexCases(options: {
  client: DynamoDBDocumentClient;
  tableName: string;
  policy: SlaPolicy;
}): Promise<{ cases: number; updated: number; changedMeanwhile: number }> {
  const { client, tableName, policy } = options;
  const indexKeys = Object.values(GLOBAL_INDEXES).flatMap((i) => [i.partitionKey, i.sortKey]);
  let cases = 0;
  let updated = 0;
  let changedMeanwhile = 0;
  const pages = paginateScan(
    { client },
    {
      TableName: tableName,
      FilterExpression: '#entity = :case',
      ExpressionAttributeNames: { '#entity': ENTITY_ATTRIBUTE },
      ExpressionAttributeValues: { ':case': 'case' },
    },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      cases++;
      const c = caseFromItem(item);
      const fresh = caseToItem(c, policy);
      const set = indexKeys.filter((k) => fresh[k] !== undefined && fresh[k] !== item[k]);
      if (set.length === 0) continue;
      try {
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: {
              [TABLE_KEYS.partitionKey]: item[TABLE_KEYS.partitionKey],
              [TABLE_KEYS.sortKey]: item[TABLE_KEYS.sortKey],
            },
            UpdateExpression: `SET ${set.map((_, i) => `#k${i} = :v${i}`).join(', ')}`,
            ConditionExpression: '#version = :version',
            ExpressionAttributeNames: {
              '#version': 'version',
              ...Object.fromEntries(set.map((k, i) => [`#k${i}`, k])),
            },
            ExpressionAttributeValues: {
              ':version': c.version,
              ...Object.fromEntries(set.map((k, i) => [`:v${i}`, fresh[k]])),
            },
          }),
        );
        updated++;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        changedMeanwhile++;
      }
    }
  }
  return { cases, updated, changedMeanwhile };
}
