import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDynamoOnceLedger } from '../../shared/adapters/dynamodb/once-ledger.ts';
import { CLAIM_LEASE_MS, type OnceLedger } from '../../shared/ports/once-ledger.ts';
import { type TestTable, ulid, useTestTable } from './support/store.ts';

let t: TestTable;
let ledger: OnceLedger;

useTestTable('once-ledger', (table) => {
  t = table;
  ledger = createDynamoOnceLedger({ client: t.doc, tableName: t.tableName });
});

const now = new Date('2026-11-30T17:00:00.000Z');
const later = (ms: number) => new Date(now.getTime() + ms);
const freshKey = (kind = 'acknowledgment') => `${ulid()}#${kind}`;
const item = async (key: string) =>
  (await t.doc.send(new GetCommand({ TableName: t.tableName, Key: { pk: `MAIL#${key}`, sk: 'MAIL' } }))).Item;

describe('the DynamoDB sent-mail ledger', () => {
  it('claims once, then is busy, then sent once confirmed', async () => {
    const key = freshKey();
    expect(await ledger.claim(key, now)).toBe('claimed');
    expect(await item(key)).toMatchObject({
      entity: 'once-ledger',
      status: 'sending',
      claimedAt: '2026-11-30T17:00:00.000Z',
      expiration: Math.floor(now.getTime() / 1000) + 90 * 24 * 3600,
    });
    expect(await ledger.claim(key, later(1000))).toBe('busy');
    await ledger.confirm(key, 'ses-1');
    expect(await item(key)).toMatchObject({ status: 'sent', providerMessageId: 'ses-1' });
    expect(await ledger.claim(key, later(1000))).toBe('done');
    expect(await ledger.claim(key, later(CLAIM_LEASE_MS * 10))).toBe('done');
  });

  it('keys are independent: another kind of the same event is another mail', async () => {
    const event = ulid();
    expect(await ledger.claim(`${event}#closure`, now)).toBe('claimed');
    expect(await ledger.claim(`${event}#survey`, now)).toBe('claimed');
  });

  it('a released claim can be claimed again at once; release never undoes a sent mail', async () => {
    const key = freshKey();
    expect(await ledger.claim(key, now)).toBe('claimed');
    await ledger.release(key);
    expect(await item(key)).toBeUndefined();
    expect(await ledger.claim(key, now)).toBe('claimed');
    await ledger.confirm(key, null);
    await ledger.release(key);
    expect(await ledger.claim(key, now)).toBe('done');
    await ledger.release(freshKey());
  });

  it('a claim older than the lease is abandoned and can be taken over', async () => {
    const key = freshKey();
    expect(await ledger.claim(key, now)).toBe('claimed');
    expect(await ledger.claim(key, later(CLAIM_LEASE_MS))).toBe('busy');
    expect(await ledger.claim(key, later(CLAIM_LEASE_MS + 1))).toBe('claimed');
    expect(await item(key)).toMatchObject({ claimedAt: later(CLAIM_LEASE_MS + 1).toISOString() });
    expect(await ledger.claim(key, later(CLAIM_LEASE_MS + 2))).toBe('busy');
  });

  it('of many concurrent claims of one key exactly one wins', async () => {
    const key = freshKey();
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => ledger.claim(key, now)));
    expect(outcomes.filter((o) => o === 'claimed')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'busy')).toHaveLength(19);
  });

  it('of many concurrent take-overs of a stale claim exactly one wins', async () => {
    const key = freshKey();
    expect(await ledger.claim(key, now)).toBe('claimed');
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () => ledger.claim(key, later(CLAIM_LEASE_MS + 1000))),
    );
    expect(outcomes.filter((o) => o === 'claimed')).toHaveLength(1);
  });
});
