import { randomUUID } from 'node:crypto';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type _Record,
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  type GetRecordsOutput,
  GetShardIteratorCommand,
  type Shard,
  type AttributeValue as StreamAttributeValue,
} from '@aws-sdk/client-dynamodb-streams';
import type {
  Context,
  DynamoDBBatchResponse,
  DynamoDBRecord,
  DynamoDBStreamEvent,
  AttributeValue as LambdaAttributeValue,
} from 'aws-lambda';
import { lambdaContext } from './gateway.ts';
import type { ShardCheckpoint, StreamCheckpoints } from './stream-checkpoints.ts';

export type StreamHandler = (
  event: DynamoDBStreamEvent,
  context: Context,
) => Promise<DynamoDBBatchResponse | undefined>;

export interface StreamPollerOptions {
  /** Finds the table's stream (DescribeTable). */
  client: DynamoDBClient;
  streams: DynamoDBStreamsClient;
  tableName: string;
  checkpoints: StreamCheckpoints;
  /** The case-stream Lambda handler (`functions/case-stream/app.ts`). */
  handler: StreamHandler;
  /** Records per invocation, like the event source mapping's batch size. */
  batchSize?: number;
  /** Attempts at one record before it is set aside (like the mapping's retry limit + failure destination). */
  maxAttempts?: number;
  log?: (message: string) => void;
}

export interface StreamPoller {
  /**
   * Feeds every record now in the stream to the handler, in order, and resolves once caught up with
   * how many records were handled. Calls are serialized: a drain started during another waits for it,
   * then reads what arrived since.
   */
  drain(): Promise<number>;
}

/** Consecutive empty reads of a closed shard before giving up on it for this drain. */
const MAX_EMPTY_READS_OF_CLOSED_SHARD = 5;
const MAX_READS_PER_SHARD = 10_000;
const MAX_LISTING_ROUNDS = 50;
/** How long a shard list is trusted while no shard finishes. */
const RELIST_MS = 10_000;

/** The SDK hands binaries over as bytes; Lambda's JSON event carries them as base64 strings. */
function toLambdaValue(value: StreamAttributeValue): LambdaAttributeValue {
  const v = value as unknown as Record<string, unknown>;
  if (v.B instanceof Uint8Array) return { B: Buffer.from(v.B).toString('base64') };
  if (Array.isArray(v.BS))
    return { BS: (v.BS as Uint8Array[]).map((b) => Buffer.from(b).toString('base64')) };
  if (Array.isArray(v.L)) return { L: (v.L as StreamAttributeValue[]).map(toLambdaValue) };
  if (v.M !== undefined && v.M !== null) return { M: mapImage(v.M as Record<string, StreamAttributeValue>) };
  return value as LambdaAttributeValue;
}

function mapImage(image: Record<string, StreamAttributeValue>): Record<string, LambdaAttributeValue> {
  return Object.fromEntries(Object.entries(image).map(([k, v]) => [k, toLambdaValue(v)]));
}

const toLambdaImage = (image: Record<string, StreamAttributeValue> | undefined) =>
  image ? mapImage(image) : undefined;

/** A stream record exactly as Lambda's event source mapping would hand it to the function. */
function toLambdaRecord(record: _Record, streamArn: string): DynamoDBRecord {
  const d = record.dynamodb ?? {};
  const created = d.ApproximateCreationDateTime;
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion,
    eventSource: record.eventSource ?? 'aws:dynamodb',
    awsRegion: record.awsRegion,
    eventSourceARN: streamArn,
    dynamodb: {
      ...(created ? { ApproximateCreationDateTime: Math.floor(new Date(created).getTime() / 1000) } : {}),
      Keys: toLambdaImage(d.Keys),
      ...(d.NewImage ? { NewImage: toLambdaImage(d.NewImage) } : {}),
      ...(d.OldImage ? { OldImage: toLambdaImage(d.OldImage) } : {}),
      SequenceNumber: d.SequenceNumber,
      SizeBytes: d.SizeBytes,
      StreamViewType: d.StreamViewType,
    },
    ...(record.userIdentity ? { userIdentity: record.userIdentity } : {}),
  };
}

/** Parents before children (shard lineage), then by id, which starts with the creation time. */
function lineageOrder(shards: Shard[]): Shard[] {
  const byId = new Map(shards.map((s) => [s.ShardId as string, s]));
  const depth = (s: Shard): number => {
    let n = 0;
    for (let p = s.ParentShardId; p && byId.has(p) && n < shards.length; p = byId.get(p)?.ParentShardId) n++;
    return n;
  };
  return [...shards].sort(
    (a, b) => depth(a) - depth(b) || (a.ShardId as string).localeCompare(b.ShardId as string),
  );
}

const sequenceOf = (r: DynamoDBRecord) => r.dynamodb?.SequenceNumber ?? '';

/**
 * The local stand-in for Lambda's DynamoDB Streams event source mapping
 * (docs/local-runtime.md#stream-and-timers-locally): reads DynamoDB Local's stream shard by shard (parents
 * first, so a case's changes stay in order across shard rotations), hands each batch to the case-stream
 * handler, honours `batchItemFailures` by retrying from the first failed record, and keeps a checkpoint per
 * shard in the local timers table so a restart with a data dir continues where it stopped. A record that
 * fails `maxAttempts` times is set aside in a dead-letter list (Lambda's on-failure destination) rather than
 * blocking the stream forever.
 */
export function createStreamPoller(options: StreamPollerOptions): StreamPoller {
  const { client, streams, tableName, checkpoints, handler } = options;
  const batchSize = options.batchSize ?? 100;
  const maxAttempts = options.maxAttempts ?? 3;
  const log = options.log ?? ((message: string) => console.error(message));

  let streamArn: string | null = null;
  let positions: Map<string, ShardCheckpoint> | null = null;
  /** Open iterators by shard, so a caught-up shard is not re-positioned on every poll. */
  const iterators = new Map<string, string>();
  let described: { shards: Shard[]; at: number } | null = null;
  let tail: Promise<unknown> = Promise.resolve();

  async function findStream(): Promise<string> {
    if (streamArn) return streamArn;
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (!Table?.LatestStreamArn) throw new Error(`table ${tableName} has no stream`);
    streamArn = Table.LatestStreamArn;
    return streamArn;
  }

  async function listShards(arn: string): Promise<Shard[]> {
    const shards: Shard[] = [];
    let start: string | undefined;
    do {
      const out = await streams.send(
        new DescribeStreamCommand({ StreamArn: arn, ...(start ? { ExclusiveStartShardId: start } : {}) }),
      );
      shards.push(...(out.StreamDescription?.Shards ?? []));
      start = out.StreamDescription?.LastEvaluatedShardId;
    } while (start);
    return shards.filter((s) => s.ShardId);
  }

  async function position(arn: string, checkpoint: ShardCheckpoint): Promise<void> {
    const map = positions as Map<string, ShardCheckpoint>;
    map.set(checkpoint.shardId, checkpoint);
    await checkpoints.save(arn, checkpoint);
  }

  async function openIterator(arn: string, shardId: string): Promise<string> {
    const after = positions?.get(shardId)?.sequenceNumber ?? null;
    const get = (type: 'TRIM_HORIZON' | 'AFTER_SEQUENCE_NUMBER') =>
      streams.send(
        new GetShardIteratorCommand({
          StreamArn: arn,
          ShardId: shardId,
          ShardIteratorType: type,
          ...(type === 'AFTER_SEQUENCE_NUMBER' ? { SequenceNumber: after as string } : {}),
        }),
      );
    try {
      const out = await get(after === null ? 'TRIM_HORIZON' : 'AFTER_SEQUENCE_NUMBER');
      return out.ShardIterator as string;
    } catch (error) {
      // The checkpointed record aged out of the stream (24 h): go on from the oldest one left.
      if (after !== null && (error as Error).name === 'TrimmedDataAccessException') {
        log(`local stream: records after ${after} in ${shardId} were trimmed; reading from the oldest left`);
        return (await get('TRIM_HORIZON')).ShardIterator as string;
      }
      throw error;
    }
  }

  /** Hands records to the handler until all are handled or set aside; moves the checkpoint as it goes. */
  async function deliver(arn: string, shardId: string, records: DynamoDBRecord[]): Promise<number> {
    let remaining = records;
    let handled = 0;
    const attempts = new Map<string, number>();
    while (remaining.length > 0) {
      let failed: Set<string>;
      let error = 'the handler reported it as a batch item failure';
      try {
        const answer = await handler(
          { Records: remaining },
          lambdaContext('case-stream', randomUUID(), 60_000),
        );
        failed = new Set((answer?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      } catch (thrown) {
        failed = new Set(remaining.map(sequenceOf));
        error = (thrown as Error).message ?? String(thrown);
      }
      const first = remaining.findIndex((r) => failed.has(sequenceOf(r)));
      const upTo = first === -1 ? remaining.length : first;
      if (upTo > 0) {
        handled += upTo;
        await position(arn, {
          shardId,
          sequenceNumber: sequenceOf(remaining[upTo - 1] as DynamoDBRecord),
          finished: false,
        });
      }
      if (first === -1) return handled;
      const record = remaining[first] as DynamoDBRecord;
      const sequence = sequenceOf(record);
      const tries = (attempts.get(sequence) ?? 0) + 1;
      attempts.set(sequence, tries);
      if (tries < maxAttempts) {
        remaining = remaining.slice(first);
        continue;
      }
      log(
        `local stream: giving up on record ${sequence} (${record.eventName}) after ${tries} attempts: ${error}`,
      );
      await checkpoints.deadLetter({
        streamArn: arn,
        shardId,
        sequenceNumber: sequence,
        eventName: record.eventName ?? 'UNKNOWN',
        keys: record.dynamodb?.Keys ?? null,
        attempts: tries,
        error: error.slice(0, 2_000),
        deadAt: new Date().toISOString(),
      });
      await position(arn, { shardId, sequenceNumber: sequence, finished: false });
      remaining = remaining.slice(first + 1);
    }
    return handled;
  }

  /** Reads one shard until caught up (open) or to its end (closed: then it is finished). */
  async function readShard(arn: string, shard: Shard): Promise<{ handled: number; finished: boolean }> {
    const shardId = shard.ShardId as string;
    const closed = shard.SequenceNumberRange?.EndingSequenceNumber !== undefined;
    let iterator = iterators.get(shardId) ?? (await openIterator(arn, shardId));
    iterators.delete(shardId);
    let handled = 0;
    let empty = 0;
    let reopened = false;
    for (let reads = 0; reads < MAX_READS_PER_SHARD; reads++) {
      let out: GetRecordsOutput;
      try {
        out = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: batchSize }));
      } catch (error) {
        // An iterator that expired, or whose position DynamoDB Local trimmed meanwhile (it does under a heavy
        // write load): open a fresh one after the checkpoint, which itself falls back to the oldest record.
        const name = (error as Error).name;
        if ((name === 'ExpiredIteratorException' || name === 'TrimmedDataAccessException') && !reopened) {
          reopened = true;
          iterator = await openIterator(arn, shardId);
          continue;
        }
        throw error;
      }
      const records = (out.Records ?? []).map((r) => toLambdaRecord(r, arn));
      if (records.length > 0) {
        handled += await deliver(arn, shardId, records);
        empty = 0;
      } else empty++;
      if (!out.NextShardIterator) {
        const last = positions?.get(shardId)?.sequenceNumber ?? null;
        await position(arn, { shardId, sequenceNumber: last, finished: true });
        return { handled, finished: true };
      }
      iterator = out.NextShardIterator;
      if (records.length === 0 && (!closed || empty >= MAX_EMPTY_READS_OF_CLOSED_SHARD)) break;
    }
    iterators.set(shardId, iterator);
    return { handled, finished: false };
  }

  /**
   * The shard list, described again only when a shard finished (its children appear then) or the
   * last description is old: a poll of a quiet stream costs one GetRecords per open shard.
   */
  async function shardsOf(arn: string, fresh: boolean): Promise<Shard[]> {
    if (fresh || !described || Date.now() - described.at > RELIST_MS) {
      described = { shards: lineageOrder(await listShards(arn)), at: Date.now() };
    }
    return described.shards;
  }

  async function drainOnce(): Promise<number> {
    const arn = await findStream();
    positions ??= await checkpoints.load(arn);
    let handled = 0;
    for (let round = 0; round < MAX_LISTING_ROUNDS; round++) {
      const shards = await shardsOf(arn, round > 0);
      const listed = new Set(shards.map((s) => s.ShardId as string));
      let finishedOne = false;
      for (const shard of shards) {
        const id = shard.ShardId as string;
        if (positions.get(id)?.finished) continue;
        const parent = shard.ParentShardId;
        // A child's records come after its parent's: wait until the parent is read to its end.
        if (parent && listed.has(parent) && !positions.get(parent)?.finished) continue;
        const result = await readShard(arn, shard);
        handled += result.handled;
        finishedOne ||= result.finished;
      }
      // A shard that just finished has children to read, possibly not listed yet.
      if (!finishedOne) return handled;
    }
    return handled;
  }

  return {
    drain() {
      const run = tail.then(drainOnce);
      tail = run.catch(() => undefined);
      return run;
    },
  };
}
