import type { CreateTableCommandInput, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandOutput,
  type TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ensureTable, transactWrite } from '../shared/adapters/dynamodb/dynamodb-calls.ts';

/**
 * The local runtime's own table (never the production single table), in DynamoDB Local's data file so
 * its state survives a restart with a data dir: the local scheduler's timers, the stream poller's
 * checkpoints, and the manual clock's last instant. Every read is a GetItem or a Query on one partition:
 *
 * | what                                   | pk                     | sk                              |
 * | -------------------------------------- | ---------------------- | ------------------------------- |
 * | the due queue, in due order            | `TIMERS`               | `<dueAt>#<scheduleName>`        |
 * | a timer by name → its queue position   | `NAME#<scheduleName>`  | `NAME`                          |
 * | timers whose delivery kept failing     | `DEAD#TIMERS`          | `<deadAt>#<scheduleName>#<msg>` |
 * | stream checkpoints, one per shard      | `STREAM#<streamArn>`   | `SHARD#<shardId>`               |
 * | stream records the handler kept failing| `DEAD#STREAM`          | `<deadAt>#<sequenceNumber>`     |
 * | the manual clock's last instant        | `CLOCK`                | `CLOCK`                         |
 * | which list-key derivation the cases use| `LISTKEYS`             | `LISTKEYS`                      |
 */
export const RUNTIME_TABLE_SUFFIX = '-local-runtime';

/** The partitions of the table above; every key of it is built here. */
export const runtimePartitions = {
  queue: 'TIMERS',
  deadTimers: 'DEAD#TIMERS',
  checkpoints: (streamArn: string) => `STREAM#${streamArn}`,
  deadRecords: 'DEAD#STREAM',
} as const;

export const runtimeKeys = {
  queue: (position: string) => ({ pk: runtimePartitions.queue, sk: position }),
  lookup: (name: string) => ({ pk: `NAME#${name}`, sk: 'NAME' }),
  deadTimer: (deadAt: string, name: string, messageId: string) => ({
    pk: runtimePartitions.deadTimers,
    sk: `${deadAt}#${name}#${messageId}`,
  }),
  checkpoint: (streamArn: string, shardId: string) => ({
    pk: runtimePartitions.checkpoints(streamArn),
    sk: `SHARD#${shardId}`,
  }),
  deadRecord: (deadAt: string, sequenceNumber: string) => ({
    pk: runtimePartitions.deadRecords,
    sk: `${deadAt}#${sequenceNumber}`,
  }),
  clock: () => ({ pk: 'CLOCK', sk: 'CLOCK' }),
  listKeys: () => ({ pk: 'LISTKEYS', sk: 'LISTKEYS' }),
} as const;

/**
 * Brings a data dir's case items to the list keys this version derives (`LIST_KEYS_VERSION`): a table
 * just made with a new index, or whose cases were keyed by an older derivation, is reindexed once; the
 * version is then kept beside the timers. A folder from before the version was kept counts as version 1.
 */
export async function keepListKeysCurrent(options: {
  documents: DynamoDBDocumentClient;
  runtimeTable: string;
  table: 'created' | 'existing' | 'upgraded';
  current: number;
  reindex: () => Promise<unknown>;
}): Promise<boolean> {
  const { documents, runtimeTable, table, current } = options;
  const stored =
    table === 'created'
      ? current
      : (((
          await documents.send(
            new GetCommand({ TableName: runtimeTable, Key: runtimeKeys.listKeys(), ConsistentRead: true }),
          )
        ).Item?.version as number | undefined) ?? 1);
  const stale = table === 'upgraded' || stored < current;
  if (stale) await options.reindex();
  if (stale || table === 'created')
    await documents.send(
      new PutCommand({ TableName: runtimeTable, Item: { ...runtimeKeys.listKeys(), version: current } }),
    );
  return stale;
}

function createRuntimeTableInput(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
  };
}

/** Creates the table unless it is there already (a data dir keeps it across restarts). */
export function createRuntimeTable(
  client: DynamoDBClient,
  tableName: string,
): Promise<'created' | 'existing'> {
  return ensureTable(client, createRuntimeTableInput(tableName));
}

/** The items of one partition in sort-key order (at most `limit`), read consistently, page by page. */
export async function readPartition(
  client: DynamoDBDocumentClient,
  tableName: string,
  pk: string,
  limit = Number.POSITIVE_INFINITY,
): Promise<NonNullable<QueryCommandOutput['Items']>> {
  const found: NonNullable<QueryCommandOutput['Items']> = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ConsistentRead: true,
        ...(Number.isFinite(limit) ? { Limit: limit - found.length } : {}),
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    found.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start && found.length < limit);
  return found;
}

/**
 * Runs a transaction and answers whether it was applied. A failed condition answers false (the caller
 * re-reads and decides again); a cancellation caused only by a concurrent transaction is retried.
 */
export async function transact(
  client: { send(command: TransactWriteCommand): Promise<unknown> },
  items: NonNullable<TransactWriteCommandInput['TransactItems']>,
): Promise<boolean> {
  return (await transactWrite(client, items)).ok;
}
