import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { readPartition, runtimeKeys, runtimePartitions } from './runtime-table.ts';

/** How far a stream reader got in one shard: after `sequenceNumber`, and whether the shard is done. */
export interface ShardCheckpoint {
  shardId: string;
  /** The last record handled (or given up on); null: nothing read yet. */
  sequenceNumber: string | null;
  /** Closed and read to its end: never read again. */
  finished: boolean;
}

/** A stream record the handler failed on every attempt, kept instead of blocking the stream. */
export interface DeadStreamRecord {
  streamArn: string;
  shardId: string;
  sequenceNumber: string;
  eventName: string;
  keys: unknown;
  attempts: number;
  error: string;
  deadAt: string;
}

export interface StreamCheckpoints {
  load(streamArn: string): Promise<Map<string, ShardCheckpoint>>;
  save(streamArn: string, checkpoint: ShardCheckpoint): Promise<void>;
  deadLetter(record: DeadStreamRecord): Promise<void>;
  deadLetters(limit?: number): Promise<DeadStreamRecord[]>;
}

/**
 * Where the local stream poller keeps its place, in the local scheduler's table (keys in
 * `runtime-table.ts`), so a restart with a data dir continues after the last record it handled.
 * Checkpoints are per stream ARN: a recreated table has a new stream and starts from its beginning.
 * One poller owns a stream, so a checkpoint is simply overwritten.
 */
export function createStreamCheckpoints(options: {
  client: DynamoDBDocumentClient;
  tableName: string;
}): StreamCheckpoints {
  const { client, tableName } = options;
  return {
    async load(streamArn) {
      const items = await readPartition(client, tableName, runtimePartitions.checkpoints(streamArn));
      return new Map(
        items.map((item): [string, ShardCheckpoint] => {
          const shardId = String(item.shardId);
          const sequenceNumber = typeof item.sequenceNumber === 'string' ? item.sequenceNumber : null;
          return [shardId, { shardId, sequenceNumber, finished: item.finished === true }];
        }),
      );
    },

    async save(streamArn, checkpoint) {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...runtimeKeys.checkpoint(streamArn, checkpoint.shardId),
            shardId: checkpoint.shardId,
            ...(checkpoint.sequenceNumber === null ? {} : { sequenceNumber: checkpoint.sequenceNumber }),
            finished: checkpoint.finished,
          },
        }),
      );
    },

    async deadLetter(record) {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...runtimeKeys.deadRecord(record.deadAt, record.sequenceNumber), ...record },
        }),
      );
    },

    async deadLetters(limit = 1_000) {
      const items = await readPartition(client, tableName, runtimePartitions.deadRecords, limit);
      return items.map(({ pk: _pk, sk: _sk, ...rest }) => rest as DeadStreamRecord);
    },
  };
}
