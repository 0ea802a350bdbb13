import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LOCAL_CLIENT_CONFIG } from '../../local/dynamodb-local.ts';
import { createLocalScheduler, type LocalScheduler, type PendingTimer } from '../../local/local-scheduler.ts';
import { createRuntimeTable, runtimeKeys } from '../../local/runtime-table.ts';
import { createDocumentClient } from '../../shared/adapters/dynamodb/case-store.ts';
import { TIMER_KINDS, type TimerKind } from '../../shared/domain/timers.ts';
import { scheduleName } from '../../shared/ports/timer-scheduler.ts';
import { ulid } from './support/store.ts';

const client = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: inject('dynamodbEndpoint') });
const doc = createDocumentClient(client);
const tableName = `local-timers-${ulid().toLowerCase()}`;
/** Leases and retries run on this wall clock, moved by the tests. */
let wall = Date.parse('2026-03-02T09:00:00Z');
let changes = 0;
let scheduler: LocalScheduler;

beforeAll(async () => {
  await createRuntimeTable(client, tableName);
  scheduler = createLocalScheduler({
    client: doc,
    tableName,
    leaseMs: 30_000,
    wallClock: () => wall,
    onChange: () => {
      changes++;
    },
  });
});

afterAll(async () => {
  await client.send(new DeleteTableCommand({ TableName: tableName }));
  client.destroy();
});

const T0 = Date.parse('2026-03-02T09:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const timer = (kind: TimerKind, dueMinutes: number, windowMinutes = 0) => ({
  kind,
  dueAt: at(dueMinutes),
  window: at(windowMinutes),
});
/** The pending timers of some cases only (tests share one table), as `caseId kind dueAt`. */
const pendingOf = async (...caseIds: string[]) =>
  (await scheduler.pending())
    .filter((t) => caseIds.includes(t.caseId))
    .map((t) => `${t.caseId} ${t.kind} ${t.dueAt}`);
const lookupOf = async (caseId: string, kind: TimerKind) =>
  (
    await doc.send(
      new GetCommand({
        TableName: tableName,
        Key: runtimeKeys.lookup(scheduleName(caseId, kind)),
        ConsistentRead: true,
      }),
    )
  ).Item;
/** Claims and completes every due timer of these cases, so they do not leak into later tests. */
async function clear(...caseIds: string[]) {
  for (const kind of TIMER_KINDS) for (const id of caseIds) await scheduler.cancel(id, kind);
}

describe('set, move and cancel', () => {
  it('sets once, moves atomically, cancels, and every call is safe to repeat', async () => {
    const id = ulid();
    const before = changes;
    await scheduler.set(id, timer('first-response', 60));
    await scheduler.set(id, timer('first-response', 60));
    expect(await pendingOf(id)).toEqual([`${id} first-response ${at(60)}`]);
    expect(changes - before).toBe(1);
    const [first] = (await scheduler.pending()).filter((t) => t.caseId === id);

    await scheduler.set(id, timer('first-response', 30));
    await scheduler.set(id, timer('first-response', 30));
    expect(await pendingOf(id)).toEqual([`${id} first-response ${at(30)}`]);
    expect(await lookupOf(id, 'first-response')).toMatchObject({
      position: `${at(30)}#${scheduleName(id, 'first-response')}`,
    });
    const [moved] = (await scheduler.pending()).filter((t) => t.caseId === id);
    expect(moved?.messageId).not.toBe(first?.messageId);

    // Same instant, another window: a different timer, so it is replaced too.
    await scheduler.set(id, timer('first-response', 30, 5));
    expect((await scheduler.pending()).filter((t) => t.caseId === id)).toEqual([
      expect.objectContaining({ window: at(5), dueAt: at(30) }),
    ]);

    await scheduler.cancel(id, 'first-response');
    await scheduler.cancel(id, 'first-response');
    await scheduler.cancel(id, 'auto-close');
    expect(await pendingOf(id)).toEqual([]);
    expect(await lookupOf(id, 'first-response')).toBeUndefined();
    expect(changes - before).toBe(4);
  });

  it('keeps one timer per name when many callers set it at once', async () => {
    const id = ulid();
    await Promise.all(Array.from({ length: 12 }, (_, i) => scheduler.set(id, timer('next-update', 100 + i))));
    const pending = (await scheduler.pending()).filter((t) => t.caseId === id);
    expect(pending).toHaveLength(1);
    expect((await lookupOf(id, 'next-update'))?.position).toBe(pending[0]?.position);
    await clear(id);
  });
});

describe('the due queue', () => {
  it('answers due timers in due order, up to and including now, never later ones', async () => {
    const a = ulid();
    const b = ulid();
    await scheduler.set(a, timer('first-response', 50));
    await scheduler.set(b, timer('first-response-risk', 10));
    await scheduler.set(a, timer('first-response-risk', 20));
    await scheduler.set(b, timer('auto-close', 40));
    await scheduler.set(b, timer('next-update', 41));
    const due = (await scheduler.due(new Date(at(40)), 100)).filter((t) => [a, b].includes(t.caseId));
    expect(due.map((t) => `${t.caseId} ${t.kind}`)).toEqual([
      `${b} first-response-risk`,
      `${a} first-response-risk`,
      `${b} auto-close`,
    ]);
    const limited = await scheduler.due(new Date(at(40)), 2);
    expect(limited.length).toBeLessThanOrEqual(2);
    // At least three timers are due: the limit cuts the answer, it does not empty it.
    expect(limited).toHaveLength(2);
    await clear(a, b);
  });

  it('delivers each due timer once, however many deliverers claim at the same time', async () => {
    const ids = Array.from({ length: 15 }, () => ulid());
    for (const [i, id] of ids.entries()) await scheduler.set(id, timer('first-response', -100 + i));
    const claimed = new Map<string, number>();
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        const due = (await scheduler.due(new Date(at(0)), 100)).filter((t) => ids.includes(t.caseId));
        for (const t of due) {
          const claim = await scheduler.claim(t);
          if (claim) claimed.set(claim.name, (claimed.get(claim.name) ?? 0) + 1);
        }
      }),
    );
    expect(claimed.size).toBe(ids.length);
    expect([...claimed.values()].every((n) => n === 1)).toBe(true);
    // Claimed timers are hidden from the queue while their lease runs.
    expect((await scheduler.due(new Date(at(0)), 100)).filter((t) => ids.includes(t.caseId))).toEqual([]);
    await clear(...ids);
  });

  it('completes a delivery once, and a moved timer survives the old delivery', async () => {
    const id = ulid();
    await scheduler.set(id, timer('first-response-risk', 1));
    await scheduler.set(id, timer('first-response', 2));
    const [risk, breach] = (await scheduler.due(new Date(at(5)), 100)).filter((t) => t.caseId === id);
    const riskClaim = await scheduler.claim(risk as PendingTimer);
    const breachClaim = await scheduler.claim(breach as PendingTimer);
    expect(riskClaim).toMatchObject({ attempts: 1 });
    expect(await scheduler.complete(riskClaim as NonNullable<typeof riskClaim>)).toBe(true);
    expect(await scheduler.complete(riskClaim as NonNullable<typeof riskClaim>)).toBe(false);
    // The case moved on while the breach was being delivered: the new timer stays.
    await scheduler.set(id, timer('first-response', 90));
    expect(await scheduler.complete(breachClaim as NonNullable<typeof breachClaim>)).toBe(false);
    expect(await pendingOf(id)).toEqual([`${id} first-response ${at(90)}`]);
    await clear(id);
  });

  it('gives a timer back when a lease runs out, and the late holder can no longer complete it', async () => {
    const id = ulid();
    await scheduler.set(id, timer('auto-close', 0));
    const [t] = (await scheduler.due(new Date(at(1)), 100)).filter((x) => x.caseId === id);
    const first = await scheduler.claim(t as PendingTimer);
    expect(await scheduler.claim(t as PendingTimer)).toBeNull();
    wall += 31_000;
    const second = await scheduler.claim(t as PendingTimer);
    expect(second).toMatchObject({ attempts: 2, firstReceivedAt: first?.firstReceivedAt });
    expect(await scheduler.complete(first as NonNullable<typeof first>)).toBe(false);
    expect(await scheduler.complete(second as NonNullable<typeof second>)).toBe(true);
    expect(await pendingOf(id)).toEqual([]);
  });
});

describe('failed deliveries', () => {
  it('retries after the delay, then dead-letters after the third failed attempt', async () => {
    const id = ulid();
    await scheduler.set(id, timer('next-update', 0));
    const now = new Date(at(1));
    const outcomes: string[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      const [t] = (await scheduler.due(now, 100)).filter((x) => x.caseId === id);
      expect(t, `attempt ${attempt}`).toBeDefined();
      const claim = await scheduler.claim(t as PendingTimer);
      expect(claim?.attempts).toBe(attempt);
      outcomes.push(await scheduler.fail(claim as NonNullable<typeof claim>, `boom ${attempt}`, 5_000));
      if (attempt < 3) {
        // Not visible again until the retry delay has passed.
        expect((await scheduler.due(now, 100)).filter((x) => x.caseId === id)).toEqual([]);
        expect((await scheduler.pending()).find((x) => x.caseId === id)?.lastError).toBe(`boom ${attempt}`);
        wall += 5_000;
      }
    }
    expect(outcomes).toEqual(['retry', 'retry', 'dead-lettered']);
    expect(await pendingOf(id)).toEqual([]);
    expect(await lookupOf(id, 'next-update')).toBeUndefined();
    expect((await scheduler.deadLetters()).filter((d) => d.caseId === id)).toEqual([
      expect.objectContaining({ kind: 'next-update', dueAt: at(0), attempts: 3, error: 'boom 3' }),
    ]);
    // A new timer of the same name starts afresh.
    await scheduler.set(id, timer('next-update', 0));
    expect((await scheduler.pending()).find((x) => x.caseId === id)?.attempts).toBe(0);
    await clear(id);
  });
});

describe('the queue is exactly the last set of each timer', () => {
  const KINDS: TimerKind[] = ['first-response', 'next-update', 'auto-close'];
  const op = fc.oneof(
    fc.record({
      op: fc.constant('set' as const),
      c: fc.nat(2),
      kind: fc.constantFrom(...KINDS),
      due: fc.integer({ min: 0, max: 20 }),
      window: fc.nat(2),
    }),
    fc.record({ op: fc.constant('cancel' as const), c: fc.nat(2), kind: fc.constantFrom(...KINDS) }),
  );

  it('after any sequence of sets and cancels (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 14 }), async (ops) => {
        const cases = [ulid(), ulid(), ulid()];
        const model = new Map<string, string>();
        for (const o of ops) {
          const caseId = cases[o.c] as string;
          const name = scheduleName(caseId, o.kind);
          if (o.op === 'set') {
            await scheduler.set(caseId, timer(o.kind, o.due, o.window));
            model.set(name, `${at(o.due)}#${name} ${at(o.window)}`);
          } else {
            await scheduler.cancel(caseId, o.kind);
            model.delete(name);
          }
        }
        const pending = (await scheduler.pending()).filter((t) => cases.includes(t.caseId));
        expect(pending.map((t) => `${t.position} ${t.window}`)).toEqual([...model.values()].sort());
        for (const t of pending) expect((await lookupOf(t.caseId, t.kind))?.position).toBe(t.position);
        await clear(...cases);
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});
