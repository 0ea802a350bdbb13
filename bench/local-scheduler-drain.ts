import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LOCAL_CLIENT_CONFIG, startDynamoDbLocal } from '../local/dynamodb-local.ts';
import { createLocalScheduler } from '../local/local-scheduler.ts';
import { createRuntimeTable } from '../local/runtime-table.ts';
import { createDocumentClient } from '../shared/adapters/dynamodb/case-store.ts';
import { TIMER_KINDS } from '../shared/domain/timers.ts';
import { round } from './stats.ts';

export interface DrainResult {
  timers: number;
  deliverers: number;
  setSeconds: number;
  drainSeconds: number;
  deliveriesPerSecond: number;
  delivered: number;
  deliveredTwice: number;
  neverDelivered: number;
}

/** Runs `work` on `n` workers pulling from a shared index until `count` items are done. */
async function pool(count: number, n: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      for (let i = next++; i < count; i = next++) await work(i);
    }),
  );
}

/**
 * The local scheduler under a pile-up: `count` timers all due at the same instant, drained by several
 * concurrent deliverers (due → claim → complete, as the timer loop does). Proves none fired twice by
 * counting deliveries per schedule name.
 */
export async function benchLocalSchedulerDrain(
  count = Number(process.env.BENCH_TIMERS ?? 10_000),
  deliverers = 8,
): Promise<DrainResult> {
  const dynamo = await startDynamoDbLocal({});
  const raw = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: dynamo.endpoint });
  try {
    const tableName = 'bench-local-timers';
    await createRuntimeTable(raw, tableName);
    const scheduler = createLocalScheduler({ client: createDocumentClient(raw), tableName });
    const dueAt = '2026-12-01T17:00:00.000Z';
    const t0 = performance.now();
    await pool(count, deliverers, async (i) => {
      const caseId = `01JD${String(Math.floor(i / TIMER_KINDS.length)).padStart(22, '0')}`;
      await scheduler.set(caseId, {
        kind: TIMER_KINDS[i % TIMER_KINDS.length] as (typeof TIMER_KINDS)[number],
        dueAt,
        window: dueAt,
      });
    });
    const setSeconds = (performance.now() - t0) / 1000;

    const deliveries = new Map<string, number>();
    const now = new Date('2026-12-01T17:00:01.000Z');
    const t1 = performance.now();
    // One reader pages through the due queue; the deliverers share each page (claims keep them honest).
    for (;;) {
      const due = await scheduler.due(now, 200);
      if (due.length === 0) break;
      await pool(due.length, deliverers, async (i) => {
        const claim = await scheduler.claim(due[i] as (typeof due)[number]);
        if (!claim) return;
        deliveries.set(claim.name, (deliveries.get(claim.name) ?? 0) + 1);
        await scheduler.complete(claim);
      });
    }
    const drainSeconds = (performance.now() - t1) / 1000;
    const counts = [...deliveries.values()];
    return {
      timers: count,
      deliverers,
      setSeconds: round(setSeconds, 1),
      drainSeconds: round(drainSeconds, 1),
      deliveriesPerSecond: Math.round(counts.length / drainSeconds),
      delivered: counts.length,
      deliveredTwice: counts.filter((n) => n > 1).length,
      neverDelivered: count - counts.length,
    };
  } finally {
    raw.destroy();
    await dynamo.stop();
  }
}
