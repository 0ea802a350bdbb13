import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { createTable, LOCAL_CLIENT_CONFIG } from '../../local/dynamodb-local.ts';
import { keys } from '../../shared/adapters/dynamodb/case-items.ts';
import { createCaseStore, createDocumentClient } from '../../shared/adapters/dynamodb/case-store.ts';
import { reindexCases } from '../../shared/adapters/dynamodb/reindex.ts';
import { createTableInput, GLOBAL_INDEXES } from '../../shared/adapters/dynamodb/table-definition.ts';
import { buildCase, CURSOR_KEY, opened, policy, readAll, ulid } from './support/store.ts';

/**
 * A table made before the whole-queue index (`openQueue`): the local runtime adds the index to it, and
 * `reindexCases` gives the cases written before it their keys, so the default view lists them again.
 */
describe('a table from before the whole-queue index', () => {
  it('gets the index, and its older cases their keys: the default view lists every case again', async () => {
    const client = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: inject('dynamodbEndpoint') });
    const doc = createDocumentClient(client);
    const tableName = `reindex-${ulid().toLowerCase()}`;
    try {
      // The table as an older casewatch made it: every index but openQueue.
      const input = createTableInput(tableName);
      await client.send(
        new CreateTableCommand({
          ...input,
          GlobalSecondaryIndexes: input.GlobalSecondaryIndexes?.filter(
            (i) => i.IndexName !== GLOBAL_INDEXES.openQueue.indexName,
          ),
          // DynamoDB refuses attribute definitions no key uses.
          AttributeDefinitions: input.AttributeDefinitions?.filter(
            (a) =>
              a.AttributeName !== GLOBAL_INDEXES.openQueue.partitionKey &&
              a.AttributeName !== GLOBAL_INDEXES.openQueue.sortKey,
          ),
        }),
      );
      const store = createCaseStore({ client: doc, tableName, policy, cursorKey: CURSOR_KEY });
      const cases = [buildCase({ status: 'open' }), buildCase({ status: 'closed' }), buildCase({ level: 0 })];
      for (const c of cases) await store.create(c, [opened(c)]);
      // Written by the older version: no openQueue keys on the items.
      for (const c of cases)
        await doc.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.case(c.id),
            UpdateExpression: 'REMOVE #pk, #sk',
            ExpressionAttributeNames: {
              '#pk': GLOBAL_INDEXES.openQueue.partitionKey,
              '#sk': GLOBAL_INDEXES.openQueue.sortKey,
            },
          }),
        );

      expect(await createTable(client, tableName)).toBe('upgraded');
      expect((await readAll((cursor) => store.list({}, { limit: 10, cursor }), 10)).items).toEqual([]);

      expect(await reindexCases({ client: doc, tableName, policy })).toEqual({
        cases: 3,
        updated: 3,
        changedMeanwhile: 0,
      });
      const { items: listed } = await readAll((cursor) => store.list({}, { limit: 10, cursor }), 10);
      expect(listed.map((c) => c.id).sort()).toEqual(cases.map((c) => c.id).sort());
      // A second run finds nothing to do.
      expect(await reindexCases({ client: doc, tableName, policy })).toMatchObject({ updated: 0 });
      expect(await createTable(client, tableName)).toBe('existing');
    } finally {
      await client.send(new DeleteTableCommand({ TableName: tableName })).catch(() => undefined);
      client.destroy();
    }
  });
});
