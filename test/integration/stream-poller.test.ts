import {
  DeleteTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { LOCAL_CLIENT_CONFIG } from '../../local/dynamodb-local.ts';
import { createRuntimeTable } from '../../local/runtime-table.ts';
import { createStreamCheckpoints, type StreamCheckpoints } from '../../local/stream-checkpoints.ts';
import { createStreamPoller, type StreamPoller } from '../../local/stream-poller.ts';
import { type TestTable, ulid, useTestTable } from './support/store.ts';

let t: TestTable;
let streams: DynamoDBStreamsClient;
let checkpoints: StreamCheckpoints;
let checkpointTable: string;
let streamArn: string;
/** What the handler does with the next batch; every batch it sees is kept in `batches`. */
let behave: (event: DynamoDBStreamEvent) => DynamoDBBatchResponse = () => ({ batchItemFailures: [] });
let batches: DynamoDBRecord[][] = [];
const handler = async (event: DynamoDBStreamEvent) => {
  batches.push(event.Records);
  return behave(event);
};
let poller: StreamPoller;

useTestTable('poller', async (table) => {
  t = table;
  checkpointTable = `${t.tableName}-local-timers`;
  await createRuntimeTable(t.client, checkpointTable);
  checkpoints = createStreamCheckpoints({ client: t.doc, tableName: checkpointTable });
  streams = new DynamoDBStreamsClient({ ...LOCAL_CLIENT_CONFIG, endpoint: inject('dynamodbEndpoint') });
  const { Table } = await t.client.send(new DescribeTableCommand({ TableName: t.tableName }));
  streamArn = Table?.LatestStreamArn as string;
  poller = createStreamPoller({ client: t.client, streams, tableName: t.tableName, checkpoints, handler });
});

afterAll(async () => {
  await t.client.send(new DeleteTableCommand({ TableName: checkpointTable }));
  streams.destroy();
});

const put = (pk: string) =>
  t.client.send(
    new PutItemCommand({
      TableName: t.tableName,
      Item: { pk: { S: pk }, sk: { S: 'X' }, bytes: { B: new Uint8Array([104, 105]) } },
    }),
  );
const pks = (records: DynamoDBRecord[]) => records.map((r) => r.dynamodb?.NewImage?.pk?.S);
const fail = (records: DynamoDBRecord[], pk: string) =>
  records
    .filter((r) => r.dynamodb?.NewImage?.pk?.S === pk)
    .map((r) => ({ itemIdentifier: r.dynamodb?.SequenceNumber as string }));

describe('the stream poller on DynamoDB Local', () => {
  it('hands every record to the handler in order, as Lambda would, then is caught up', async () => {
    batches = [];
    behave = () => ({ batchItemFailures: [] });
    for (const pk of ['a1', 'a2', 'a3']) await put(pk);
    expect(await poller.drain()).toBe(3);
    expect(batches.map(pks)).toEqual([['a1', 'a2', 'a3']]);
    const record = batches[0]?.[0] as DynamoDBRecord;
    expect(record).toMatchObject({
      eventName: 'INSERT',
      eventSource: 'aws:dynamodb',
      eventSourceARN: streamArn,
      dynamodb: {
        Keys: { pk: { S: 'a1' }, sk: { S: 'X' } },
        NewImage: { bytes: { B: Buffer.from('hi').toString('base64') } },
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
    expect(typeof record.dynamodb?.ApproximateCreationDateTime).toBe('number');
    expect(await poller.drain()).toBe(0);
    expect(batches).toHaveLength(1);
  });

  it('retries from the first failed record, and a thrown batch as a whole', async () => {
    batches = [];
    let calls = 0;
    behave = (event) => {
      calls++;
      if (calls === 1) return { batchItemFailures: fail(event.Records, 'b2') };
      if (calls === 2) throw new Error('whole batch failed');
      return { batchItemFailures: [] };
    };
    for (const pk of ['b1', 'b2', 'b3']) await put(pk);
    expect(await poller.drain()).toBe(3);
    expect(batches.map(pks)).toEqual([
      ['b1', 'b2', 'b3'],
      ['b2', 'b3'],
      ['b2', 'b3'],
    ]);
  });

  it('sets a record aside after three failed attempts, and the records after it flow on', async () => {
    batches = [];
    behave = (event) => ({ batchItemFailures: fail(event.Records, 'c1') });
    for (const pk of ['c1', 'c2']) await put(pk);
    expect(await poller.drain()).toBe(1);
    expect(batches.map(pks)).toEqual([['c1', 'c2'], ['c1', 'c2'], ['c1', 'c2'], ['c2']]);
    const dead = await checkpoints.deadLetters();
    expect(dead).toEqual([
      expect.objectContaining({
        streamArn,
        eventName: 'INSERT',
        attempts: 3,
        keys: { pk: { S: 'c1' }, sk: { S: 'X' } },
      }),
    ]);
  });

  it('serializes concurrent drains, and a new poller continues after the last checkpoint', async () => {
    batches = [];
    behave = () => ({ batchItemFailures: [] });
    await put('d1');
    const [one, two] = await Promise.all([poller.drain(), poller.drain()]);
    expect(one + two).toBe(1);
    const restarted = createStreamPoller({
      client: t.client,
      streams,
      tableName: t.tableName,
      checkpoints: createStreamCheckpoints({ client: t.doc, tableName: checkpointTable }),
      handler,
    });
    expect(await restarted.drain()).toBe(0);
    await put('d2');
    expect(await restarted.drain()).toBe(1);
    expect(batches.map(pks)).toEqual([['d1'], ['d2']]);
  });
});

/** A stream answered by a mock (its shards, iterators and records set per test), and pollers over it. */
function fakeStream() {
  const client = new DynamoDBStreamsClient({ ...LOCAL_CLIENT_CONFIG, endpoint: 'http://127.0.0.1:9' });
  const mock = mockClient(client);
  const arn = `arn:aws:dynamodb:local:000000000000:table/fake/stream/${ulid()}`;
  const record = (seq: string) => ({
    eventID: seq,
    eventName: 'INSERT' as const,
    dynamodb: { SequenceNumber: seq, Keys: { pk: { S: seq } }, NewImage: { pk: { S: seq } } },
  });
  const pollerOf = (handler: Parameters<typeof createStreamPoller>[0]['handler']) =>
    createStreamPoller({
      client: { send: async () => ({ Table: { LatestStreamArn: arn } }) } as unknown as DynamoDBClient,
      streams: client,
      tableName: 'fake',
      checkpoints,
      handler,
    });
  return { client, mock, arn, record, pollerOf };
}

describe('shard lineage (DynamoDB Local rotates shards; simulated here)', () => {
  it('reads a closed parent to its end before its child, and never reads a finished shard again', async () => {
    const { client, mock, arn, record, pollerOf } = fakeStream();
    mock.on(DescribeStreamCommand).resolves({
      StreamDescription: {
        Shards: [
          {
            ShardId: 'shardId-2-child',
            ParentShardId: 'shardId-1-parent',
            SequenceNumberRange: { StartingSequenceNumber: '300' },
          },
          {
            ShardId: 'shardId-1-parent',
            ParentShardId: 'shardId-0-trimmed',
            SequenceNumberRange: { StartingSequenceNumber: '100', EndingSequenceNumber: '200' },
          },
        ],
      },
    });
    mock
      .on(GetShardIteratorCommand)
      .callsFake((input) => ({ ShardIterator: `${input.ShardId}|${input.ShardIteratorType}` }));
    mock.on(GetRecordsCommand).callsFake((input) => {
      switch (input.ShardIterator) {
        case 'shardId-1-parent|TRIM_HORIZON':
          return { Records: [record('100'), record('150')], NextShardIterator: 'parent-end' };
        case 'parent-end':
          return { Records: [] };
        case 'shardId-2-child|TRIM_HORIZON':
          return { Records: [record('300')], NextShardIterator: 'child-next' };
        default:
          return { Records: [], NextShardIterator: 'child-next' };
      }
    });
    const seen: string[] = [];
    const lineagePoller = pollerOf(async (event) => {
      seen.push(...event.Records.map((r) => r.dynamodb?.SequenceNumber as string));
      return { batchItemFailures: [] };
    });
    expect(await lineagePoller.drain()).toBe(3);
    expect(seen).toEqual(['100', '150', '300']);
    expect(await checkpoints.load(arn)).toEqual(
      new Map([
        ['shardId-1-parent', { shardId: 'shardId-1-parent', sequenceNumber: '150', finished: true }],
        ['shardId-2-child', { shardId: 'shardId-2-child', sequenceNumber: '300', finished: false }],
      ]),
    );
    const iteratorCalls = mock.commandCalls(GetShardIteratorCommand).length;
    expect(await lineagePoller.drain()).toBe(0);
    expect(mock.commandCalls(GetShardIteratorCommand)).toHaveLength(iteratorCalls);
    // After a restart the child resumes after its checkpoint; the finished parent is skipped.
    const resumed = pollerOf(async () => ({ batchItemFailures: [] }));
    expect(await resumed.drain()).toBe(0);
    expect(
      mock
        .commandCalls(GetShardIteratorCommand)
        .slice(iteratorCalls)
        .map((c) => c.args[0].input),
    ).toEqual([
      {
        StreamArn: arn,
        ShardId: 'shardId-2-child',
        ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
        SequenceNumber: '300',
      },
    ]);
    client.destroy();
  });
  it('goes on after its checkpoint when DynamoDB Local trims the position an iterator held', async () => {
    const { client, mock, record, pollerOf } = fakeStream();
    mock.on(DescribeStreamCommand).resolves({
      StreamDescription: {
        Shards: [{ ShardId: 'shard-a', SequenceNumberRange: { StartingSequenceNumber: '1' } }],
      },
    });
    mock.on(GetShardIteratorCommand).callsFake((input) => ({
      ShardIterator: `${input.ShardIteratorType}:${input.SequenceNumber ?? ''}`,
    }));
    const trimmed = Object.assign(new Error('read past the oldest stream record'), {
      name: 'TrimmedDataAccessException',
    });
    mock.on(GetRecordsCommand).callsFake((input) => {
      switch (input.ShardIterator) {
        case 'TRIM_HORIZON:':
          return { Records: [record('1')], NextShardIterator: 'held' };
        case 'held':
          throw trimmed;
        case 'AFTER_SEQUENCE_NUMBER:1':
          return { Records: [record('2')], NextShardIterator: 'after-2' };
        default:
          return { Records: [], NextShardIterator: 'after-2' };
      }
    });
    const seen: string[] = [];
    const poller = pollerOf(async (event) => {
      seen.push(...event.Records.map((r) => r.dynamodb?.SequenceNumber as string));
      return { batchItemFailures: [] };
    });
    // The iterator after the first record is trimmed: it reopens after the checkpoint instead of failing.
    expect(await poller.drain()).toBe(2);
    expect(seen).toEqual(['1', '2']);
    expect(mock.commandCalls(GetShardIteratorCommand).map((c) => c.args[0].input.ShardIteratorType)).toEqual([
      'TRIM_HORIZON',
      'AFTER_SEQUENCE_NUMBER',
    ]);
    client.destroy();
  });
});
