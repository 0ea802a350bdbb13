import { createHash } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { ManualClock } from '../../local/clock.ts';
import { LOCAL_CLIENT_CONFIG } from '../../local/dynamodb-local.ts';
import { createLocalScheduler, type LocalScheduler } from '../../local/local-scheduler.ts';
import { createRuntimeTable } from '../../local/runtime-table.ts';
import { createTimerLoop, type FireOutcomeProbe, type TimerLoop } from '../../local/timer-loop.ts';
import { createDocumentClient } from '../../shared/adapters/dynamodb/case-store.ts';
import { systemClock } from '../../shared/adapters/system-clock.ts';
import type { CaseStore } from '../../shared/ports/case-store.ts';
import type { Clock } from '../../shared/ports/clock.ts';
import { ulid } from './support/store.ts';

const client = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: inject('dynamodbEndpoint') });
const doc = createDocumentClient(client);
const tableName = `timer-loop-${ulid().toLowerCase()}`;

beforeAll(async () => {
  await createRuntimeTable(client, tableName);
});

afterAll(async () => {
  await client.send(new DeleteTableCommand({ TableName: tableName }));
  client.destroy();
});

/** One loop per test over a shared table; each test uses its own case ids. */
interface Rig {
  loop: TimerLoop;
  scheduler: LocalScheduler;
  /** Every event the handler got, with the wall-clock instant it got it. */
  calls: { event: SQSEvent; at: number; clock: string }[];
  drains: () => number;
  logs: string[];
}

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.loop.stop();
  rig = undefined;
});

const acted: FireOutcomeProbe = {
  store: {} as CaseStore,
  begin() {},
  end: () => 'acted',
};

function start(
  mode: 'system' | 'manual',
  clock: Clock,
  behave: (event: SQSEvent, scheduler: LocalScheduler) => Promise<SQSBatchResponse | undefined>,
): Rig {
  let drains = 0;
  let changed = () => {};
  const scheduler = createLocalScheduler({ client: doc, tableName, onChange: () => changed() });
  const calls: Rig['calls'] = [];
  const logs: string[] = [];
  const loop = createTimerLoop({
    scheduler,
    stream: {
      drain: async () => {
        drains++;
        return 0;
      },
    },
    clock,
    handler: async (event) => {
      calls.push({ event, at: Date.now(), clock: clock.now().toISOString() });
      return behave(event, scheduler);
    },
    outcomes: acted,
    mode,
    pollMs: 50,
    moveClock: clock instanceof ManualClock ? (at) => clock.set(at) : undefined,
    log: (m) => logs.push(m),
  });
  changed = () => loop.timersChanged();
  loop.start();
  rig = { loop, scheduler, calls, drains: () => drains, logs };
  return rig;
}

const ok = async () => ({ batchItemFailures: [] });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function until(check: () => boolean | Promise<boolean>, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await sleep(20);
  }
}
const payloadOf = (e: SQSEvent) => JSON.parse(e.Records[0]?.body ?? '{}');

describe('with the system clock', () => {
  it('fires a timer on time by itself, as an SQS message to the handler', async () => {
    const { scheduler, calls } = start('system', systemClock, ok);
    const id = ulid();
    const dueAt = new Date(Date.now() + 400).toISOString();
    await scheduler.set(id, { kind: 'first-response', dueAt, window: '2026-03-02T09:00:00.000Z' });
    await until(() => calls.length === 1);
    const call = calls[0] as Rig['calls'][number];
    expect(call.at).toBeGreaterThanOrEqual(Date.parse(dueAt));
    expect(call.at - Date.parse(dueAt)).toBeLessThan(1_000);
    const record = call.event.Records[0];
    expect(record).toMatchObject({
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:local:000000000000:casewatch-timers',
      awsRegion: 'local',
      messageAttributes: {},
      attributes: { ApproximateReceiveCount: '1' },
    });
    expect(JSON.parse(record?.body as string)).toEqual({
      caseId: id,
      kind: 'first-response',
      window: '2026-03-02T09:00:00.000Z',
      dueAt,
    });
    expect(record?.md5OfBody).toBe(
      createHash('md5')
        .update(record?.body as string)
        .digest('hex'),
    );
    await until(async () => (await scheduler.pending()).every((t) => t.caseId !== id));
  });

  it('re-arms when an earlier timer is set, and retries a failed delivery, then dead-letters it', async () => {
    const failing = ulid();
    const { scheduler, calls, logs } = start('system', systemClock, async (event) =>
      payloadOf(event).caseId === failing
        ? { batchItemFailures: [{ itemIdentifier: event.Records[0]?.messageId as string }] }
        : { batchItemFailures: [] },
    );
    const later = ulid();
    const window = '2026-03-02T09:00:00.000Z';
    await scheduler.set(later, {
      kind: 'auto-close',
      dueAt: new Date(Date.now() + 3_600_000).toISOString(),
      window,
    });
    await sleep(200);
    const soon = new Date(Date.now() + 300).toISOString();
    await scheduler.set(failing, { kind: 'next-update', dueAt: soon, window });
    await until(() => calls.length >= 3, 8_000);
    const attempts = calls.map((c) => c.event.Records[0]?.attributes.ApproximateReceiveCount);
    expect(attempts).toEqual(['1', '2', '3']);
    // SQS-like back-off between attempts: about 1 s, then 2 s.
    const gaps = calls.slice(1).map((c, i) => c.at - (calls[i] as Rig['calls'][number]).at);
    expect(gaps[0]).toBeGreaterThanOrEqual(900);
    expect(gaps[1]).toBeGreaterThanOrEqual(1_900);
    await until(() => logs.some((l) => l.includes('dead-lettered')));
    expect((await scheduler.deadLetters()).filter((d) => d.caseId === failing)).toEqual([
      expect.objectContaining({ kind: 'next-update', attempts: 3 }),
    ]);
    expect((await scheduler.pending()).filter((t) => t.caseId === later)).toHaveLength(1);
    await scheduler.cancel(later, 'auto-close');
  }, 15_000);

  it('stops cleanly: waits for the delivery in progress, then fires nothing more', async () => {
    let release = () => {};
    const { loop, scheduler, calls } = start(
      'system',
      systemClock,
      () => new Promise((resolve) => (release = () => resolve({ batchItemFailures: [] }))),
    );
    const window = '2026-03-02T09:00:00.000Z';
    const id = ulid();
    await scheduler.set(id, { kind: 'first-response', dueAt: new Date().toISOString(), window });
    await until(() => calls.length === 1);
    let stopped = false;
    const stopping = loop.stop().then(() => {
      stopped = true;
    });
    await sleep(100);
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect((await scheduler.pending()).filter((t) => t.caseId === id)).toEqual([]);
    const late = ulid();
    await scheduler.set(late, { kind: 'first-response', dueAt: new Date().toISOString(), window });
    await sleep(300);
    expect(calls).toHaveLength(1);
    await scheduler.cancel(late, 'first-response');
  });
});

describe('with the manual clock', () => {
  const T0 = Date.parse('2026-03-02T09:00:00.000Z');
  const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

  it('fires nothing by itself; settle delivers in due order, stepping the clock, draining between', async () => {
    const clock = new ManualClock(new Date(T0));
    const [a, b] = [ulid(), ulid()];
    const { loop, scheduler, calls, drains } = start('manual', clock, async (event, s) => {
      // A delivery's consequence: the case gets a new timer that falls between the other two.
      const p = payloadOf(event);
      if (p.caseId === a && p.kind === 'first-response-risk')
        await s.set(a, { kind: 'first-response', dueAt: at(7), window: at(0) });
      return { batchItemFailures: [] };
    });
    await scheduler.set(a, { kind: 'first-response-risk', dueAt: at(5), window: at(0) });
    await scheduler.set(b, { kind: 'auto-close', dueAt: at(10), window: at(0) });
    await sleep(400);
    expect(calls).toEqual([]);
    expect(drains()).toBeGreaterThan(0);

    const before = drains();
    const fired = await loop.settle(new Date(at(60)));
    expect(fired.map((f) => [f.caseId, f.kind, f.firedAt, f.outcome])).toEqual([
      [a, 'first-response-risk', at(5), 'acted'],
      [a, 'first-response', at(7), 'acted'],
      [b, 'auto-close', at(10), 'acted'],
    ]);
    expect(calls.map((c) => c.clock)).toEqual([at(5), at(7), at(10)]);
    expect(clock.now().toISOString()).toBe(at(60));
    expect(drains() - before).toBeGreaterThanOrEqual(4);
    expect(await loop.settle(new Date(at(120)))).toEqual([]);
  });

  it('answers failed deliveries, and dead-letters the third, within one settle', async () => {
    const clock = new ManualClock(new Date(T0));
    const { loop, scheduler } = start('manual', clock, async () => {
      throw new Error('handler crashed');
    });
    const id = ulid();
    await scheduler.set(id, { kind: 'next-update', dueAt: at(1), window: at(0) });
    const fired = await loop.settle(new Date(at(2)));
    expect(fired.map((f) => [f.outcome, f.attempt])).toEqual([
      ['failed', 1],
      ['failed', 2],
      ['dead-lettered', 3],
    ]);
    expect((await scheduler.deadLetters()).filter((d) => d.caseId === id)).toEqual([
      expect.objectContaining({ error: 'handler crashed', attempts: 3 }),
    ]);
  });
});
