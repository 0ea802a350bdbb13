import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  createDynamoAutoReplyLimiter,
  createMemoryAutoReplyLimiter,
} from '../../shared/adapters/dynamodb/auto-reply-limiter.ts';
import type { AutoReplyLimiter } from '../../shared/ports/inbound-mail.ts';
import { type TestTable, ulid, useTestTable } from './support/store.ts';

let t: TestTable;
let dynamo: AutoReplyLimiter;

useTestTable('auto-reply', (table) => {
  t = table;
  dynamo = createDynamoAutoReplyLimiter({ client: t.doc, tableName: t.tableName });
});

const sender = () => `Bob.${ulid().toLowerCase()}@Example.com`;
const allowMany = async (limiter: AutoReplyLimiter, from: string, at: string, n: number) => {
  const out: boolean[] = [];
  for (let i = 0; i < n; i++) out.push(await limiter.allow(from, at));
  return out;
};

describe.each([
  ['DynamoDB', () => dynamo],
  ['memory', () => createMemoryAutoReplyLimiter()],
])('the %s auto-reply limiter', (_, make) => {
  it('allows five answers per sender and UTC hour, then refuses', async () => {
    const limiter = make();
    const from = sender();
    expect(await allowMany(limiter, from, '2026-11-30T17:00:00.000Z', 5)).toEqual(Array(5).fill(true));
    expect(await limiter.allow(from, '2026-11-30T17:59:59.999Z')).toBe(false);
    expect(await limiter.allow(from.toUpperCase(), '2026-11-30T17:30:00.000Z')).toBe(false);
  });

  it('starts afresh in the next hour', async () => {
    const limiter = make();
    const from = sender();
    await allowMany(limiter, from, '2026-11-30T17:10:00.000Z', 6);
    expect(await limiter.allow(from, '2026-11-30T18:00:00.000Z')).toBe(true);
  });

  it('counts each sender apart', async () => {
    const limiter = make();
    const [a, b] = [sender(), sender()];
    await allowMany(limiter, a, '2026-11-30T17:10:00.000Z', 6);
    expect(await limiter.allow(b, '2026-11-30T17:10:00.000Z')).toBe(true);
  });

  it('lets exactly five of twenty concurrent answers through', async () => {
    const limiter = make();
    const from = sender();
    const out = await Promise.all(
      Array.from({ length: 20 }, () => limiter.allow(from, '2026-11-30T17:10:00.000Z')),
    );
    expect(out.filter(Boolean)).toHaveLength(5);
  });

  it('refuses an empty sender', async () => {
    await expect(make().allow('  ', '2026-11-30T17:10:00.000Z')).rejects.toThrow(RangeError);
  });
});

describe('the DynamoDB counter item', () => {
  it('is keyed by lower-cased sender and UTC hour, and expires two days after its hour', async () => {
    const from = sender();
    await dynamo.allow(from, '2026-11-30T17:42:00.000-08:00');
    const { Item } = await t.doc.send(
      new GetCommand({
        TableName: t.tableName,
        Key: { pk: `AUTOREPLY#${from.toLowerCase()}`, sk: '2026-12-01T01' },
      }),
    );
    expect(Item).toMatchObject({
      entity: 'auto-reply-count',
      n: 1,
      expiration: Date.parse('2026-12-01T01:00:00.000Z') / 1000 + 2 * 24 * 3600,
    });
  });

  it('takes its limit from the options', async () => {
    const strict = createDynamoAutoReplyLimiter({ client: t.doc, tableName: t.tableName, maxPerHour: 1 });
    const from = sender();
    expect(await allowMany(strict, from, '2026-11-30T17:10:00.000Z', 2)).toEqual([true, false]);
  });
});
