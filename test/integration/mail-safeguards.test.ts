import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  createDynamoCorrespondents,
  createDynamoSuppressionList,
} from '../../shared/adapters/dynamodb/mail-addresses.ts';
import { createDynamoMailBudget } from '../../shared/adapters/dynamodb/mail-budget.ts';
import {
  AUTOMATIC_MAIL_PER_RECIPIENT,
  ESCALATION_NOTICES_PER_CASE,
  type MailLimit,
  recipientBudget,
} from '../../shared/domain/email/mail-limits.ts';
import type { Correspondents, MailBudget, SuppressionList } from '../../shared/ports/mail-safeguards.ts';
import {
  createMemoryCorrespondents,
  createMemoryMailBudget,
  createMemorySuppressionList,
} from '../support/memory-mail-safeguards.ts';
import { type TestTable, ulid, useTestTable } from './support/store.ts';

/** docs/mail.md#limits and #bounces-and-complaints: the same behaviour from DynamoDB and the memory fakes. */
let t: TestTable;
let dynamo: { budget: MailBudget; correspondents: Correspondents; suppressions: SuppressionList };

useTestTable('mail-safeguards', (table) => {
  t = table;
  const options = { client: t.doc, tableName: t.tableName };
  dynamo = {
    budget: createDynamoMailBudget(options),
    correspondents: createDynamoCorrespondents(options),
    suppressions: createDynamoSuppressionList(options),
  };
});

const address = () => `Bob.${ulid().toLowerCase()}@Example.com`;
const takeMany = async (budget: MailBudget, name: string, limit: MailLimit, at: string, n: number) => {
  const out: boolean[] = [];
  for (let i = 0; i < n; i++) out.push(await budget.take(name, limit, at));
  return out;
};
const hourly = AUTOMATIC_MAIL_PER_RECIPIENT;

describe.each([
  ['DynamoDB', () => dynamo.budget],
  ['memory', () => createMemoryMailBudget()],
])('the %s mail budget', (_, make) => {
  it('spends five mails per address and UTC clock hour, then refuses, whatever the letter case', async () => {
    const budget = make();
    const to = address();
    expect(await takeMany(budget, recipientBudget(to), hourly, '2026-11-30T17:00:00.000Z', 5)).toEqual(
      Array(5).fill(true),
    );
    expect(await budget.take(recipientBudget(to), hourly, '2026-11-30T17:59:59.999Z')).toBe(false);
    expect(await budget.take(recipientBudget(to.toUpperCase()), hourly, '2026-11-30T17:30:00.000Z')).toBe(
      false,
    );
    expect(await budget.take(recipientBudget(to), hourly, '2026-11-30T18:00:00.000Z')).toBe(true);
  });

  it('keeps budgets apart, and an escalation budget to one per four-hour block', async () => {
    const budget = make();
    const [a, b] = [address(), address()];
    await takeMany(budget, recipientBudget(a), hourly, '2026-11-30T17:10:00.000Z', 6);
    expect(await budget.take(recipientBudget(b), hourly, '2026-11-30T17:10:00.000Z')).toBe(true);
    const escalation = `escalation:${ulid()}`;
    expect(
      await takeMany(budget, escalation, ESCALATION_NOTICES_PER_CASE, '2026-11-30T16:00:00.000Z', 2),
    ).toEqual([true, false]);
    expect(await budget.take(escalation, ESCALATION_NOTICES_PER_CASE, '2026-11-30T19:59:59.999Z')).toBe(
      false,
    );
    expect(await budget.take(escalation, ESCALATION_NOTICES_PER_CASE, '2026-11-30T20:00:00.000Z')).toBe(true);
  });

  it('lets exactly five of twenty concurrent mails through', async () => {
    const budget = make();
    const name = recipientBudget(address());
    const out = await Promise.all(
      Array.from({ length: 20 }, () => budget.take(name, hourly, '2026-11-30T17:10:00.000Z')),
    );
    expect(out.filter(Boolean)).toHaveLength(5);
  });
});

describe.each([
  ['DynamoDB', () => dynamo],
  [
    'memory',
    () => ({ correspondents: createMemoryCorrespondents(), suppressions: createMemorySuppressionList() }),
  ],
])('the %s address records', (_, make) => {
  it('knows who wrote to us, without regard to letter case', async () => {
    const { correspondents } = make();
    const from = address();
    expect(await correspondents.hasWritten(from)).toBe(false);
    await correspondents.noteWrote(from, '2026-11-30T17:00:00.000Z');
    await correspondents.noteWrote(from.toUpperCase(), '2026-11-30T18:00:00.000Z');
    expect(await correspondents.hasWritten(from.toLowerCase())).toBe(true);
  });

  it('keeps the first suppression of an address', async () => {
    const { suppressions } = make();
    const to = address();
    expect(await suppressions.suppressionOf(to)).toBeNull();
    const first = { reason: 'bounce', at: '2026-11-30T17:00:00.000Z', caseId: 'C1' } as const;
    await suppressions.suppress(to, first);
    await suppressions.suppress(to.toUpperCase(), {
      reason: 'complaint',
      at: '2026-12-01T17:00:00.000Z',
      caseId: null,
    });
    expect(await suppressions.suppressionOf(to.toLowerCase())).toEqual(first);
  });
});

describe('the DynamoDB items', () => {
  it('a budget counter is keyed by budget and window start, and expires two days after its window', async () => {
    const name = recipientBudget(address());
    await dynamo.budget.take(name, hourly, '2026-11-30T17:42:00.000-08:00');
    const { Item } = await t.doc.send(
      new GetCommand({
        TableName: t.tableName,
        Key: { pk: `MAILBUDGET#${name}`, sk: '2026-12-01T01:00:00.000Z' },
      }),
    );
    expect(Item).toMatchObject({
      entity: 'mail-budget',
      n: 1,
      expiration: Date.parse('2026-12-01T02:00:00.000Z') / 1000 + 2 * 24 * 3600,
    });
  });

  it('a correspondent keeps its first and latest mail, a year past the latest', async () => {
    const from = address();
    await dynamo.correspondents.noteWrote(from, '2026-11-30T17:00:00.000Z');
    await dynamo.correspondents.noteWrote(from, '2026-12-02T17:00:00.000Z');
    const { Item } = await t.doc.send(
      new GetCommand({ TableName: t.tableName, Key: { pk: `SENDER#${from.toLowerCase()}`, sk: 'SENDER' } }),
    );
    expect(Item).toMatchObject({
      entity: 'correspondent',
      firstWroteAt: '2026-11-30T17:00:00.000Z',
      lastWroteAt: '2026-12-02T17:00:00.000Z',
      expiration: Date.parse('2026-12-02T17:00:00.000Z') / 1000 + 365 * 24 * 3600,
    });
  });
});
