import {
  CreateTableCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';

/**
 * The local scheduler's own table (never the production single table), in DynamoDB Local's data file
 * so timers survive a restart with a data dir. Every read is a GetItem or a Query on one partition:
 *
 * | what                                   | pk                     | sk                              |
 * | -------------------------------------- | ---------------------- | ------------------------------- |
 * | the due queue, in due order            | `TIMERS`               | `<dueAt>#<scheduleName>`        |
 * | a timer by name → its queue position   | `NAME#<scheduleName>`  | `NAME`                          |
 * | timers whose delivery kept failing     | `DEAD#TIMERS`          | `<deadAt>#<scheduleName>#<msg>` |
 * | stream checkpoints, one per shard      | `STREAM#<streamArn>`   | `SHARD#<shardId>`               |
 * | stream records the handler kept failing| `DEAD#STREAM`          | `<deadAt>#<sequenceNumber>`     |
 */
export const LOCAL_TIMERS_TABLE_SUFFIX = '-local-timers';

export const timerKeys = {
  queue: (position: string) => ({ pk: 'TIMERS', sk: position }),
  lookup: (name: string) => ({ pk: `NAME#${name}`, sk: 'NAME' }),
  deadTimer: (deadAt: string, name: string, messageId: string) => ({
    pk: 'DEAD#TIMERS',
    sk: `${deadAt}#${name}#${messageId}`,
  }),
  checkpoint: (streamArn: string, shardId: string) => ({
    pk: `STREAM#${streamArn}`,
    sk: `SHARD#${shardId}`,
  }),
  deadRecord: (deadAt: string, sequenceNumber: string) => ({
    pk: 'DEAD#STREAM',
    sk: `${deadAt}#${sequenceNumber}`,
  }),
} as const;

export function createTimersTableInput(tableName: string): CreateTableCommandInput {
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
export async function createTimersTable(
  client: DynamoDBClient,
  tableName: string,
): Promise<'created' | 'existing'> {
  let outcome: 'created' | 'existing' = 'created';
  try {
    await client.send(new CreateTableCommand(createTimersTableInput(tableName)));
  } catch (error) {
    if (!(error instanceof Error && error.name === 'ResourceInUseException')) throw error;
    outcome = 'existing';
  }
  await waitUntilTableExists({ client, maxWaitTime: 60 }, { TableName: tableName });
  return outcome;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs a transaction and answers whether it was applied. A failed condition answers false (the caller
 * re-reads and decides again); a cancellation caused only by a concurrent transaction is retried here.
 */
export async function transact(
  client: { send(command: TransactWriteCommand): Promise<unknown> },
  items: NonNullable<TransactWriteCommandInput['TransactItems']>,
): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    try {
      await client.send(new TransactWriteCommand({ TransactItems: items }));
      return true;
    } catch (error) {
      if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') throw error;
      const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
      const codes = reasons.map((r) => r.Code ?? 'None');
      const text = codes.length > 0 ? codes.join(',') : error.message;
      if (text.includes('ConditionalCheckFailed')) return false;
      if (text.includes('TransactionConflict') && attempt < 8) {
        await sleep(Math.random() * 10 * 2 ** attempt);
        continue;
      }
      throw error;
    }
  }
}
