import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createHandler } from '../../../functions/timer/app.ts';
import { lambdaContext } from '../../../local/gateway.ts';
import { logger } from '../../../shared/adapters/powertools/observability.ts';
import { setSeverity } from '../../../shared/app/triage.ts';
import type { Case } from '../../../shared/domain/case.ts';
import type { TimerPayload } from '../../../shared/ports/timer-scheduler.ts';
import { agent, openConsumerCase } from '../../support/cases.ts';
import { TimerSim } from '../../support/timer-sim.ts';

const record = (payload: unknown, messageId = 'm-1'): SQSRecord =>
  ({
    messageId,
    receiptHandle: `receipt-${messageId}`,
    body: typeof payload === 'string' ? payload : JSON.stringify(payload),
    attributes: {},
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:casewatch-timers',
    awsRegion: 'eu-west-1',
  }) as unknown as SQSRecord;

/**
 * The messages the handler gives back to SQS for a retry: its partial batch response. The invocation never
 * fails for them, even when every message of the batch goes back (a failed invocation counts toward the
 * function's error-rate alarm).
 */
async function retried(run: Promise<{ batchItemFailures: { itemIdentifier: string }[] } | undefined>) {
  return ((await run)?.batchItemFailures ?? []).map((f) => f.itemIdentifier);
}

async function level0Case() {
  const sim = new TimerSim('2026-11-27T15:00:00.000Z');
  const c = await openConsumerCase(sim.appDeps, {
    subject: 'Help',
    description: 'Please',
    orderNumber: 'FS-2',
  });
  await setSeverity(sim.appDeps, agent, c.id, { level: 0, reason: 'urgent' });
  await sim.drain();
  const due = sim.schedules().find((t) => t.kind === 'first-response') as TimerPayload;
  return { sim, id: c.id, due };
}

describe('the timer function (docs/timers.md#early-late-and-duplicate-deliveries)', () => {
  const warned: string[] = [];
  beforeEach(() => {
    warned.length = 0;
    vi.spyOn(logger, 'info').mockImplementation(() => undefined);
    vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    vi.spyOn(logger, 'warn').mockImplementation((...args) => void warned.push(String(args[0])));
    return () => vi.restoreAllMocks();
  });

  it('sends an early delivery back, visible again when it is due, and records nothing', async () => {
    const { sim, id, due } = await level0Case();
    const redelivered: [string, number][] = [];
    const handler = createHandler(sim.deps, {
      redeliverIn: async (r, seconds) => void redelivered.push([r.receiptHandle, seconds]),
    });
    sim.clock.set(new Date(Date.parse(due.dueAt) - 2_500));
    const event: SQSEvent = { Records: [record(due)] };
    expect(await retried(handler(event, lambdaContext('timer', 'r-1', 30_000)))).toEqual(['m-1']);
    expect(redelivered).toEqual([['receipt-m-1', 3]]);
    expect((sim.store.cases.get(id) as Case).sla.firstResponse.breachedAt).toBeNull();

    sim.clock.set(new Date(due.dueAt));
    expect(await retried(handler(event, lambdaContext('timer', 'r-2', 30_000)))).toEqual([]);
    expect((sim.store.cases.get(id) as Case).sla.firstResponse.breachedAt).toBe(due.dueAt);
    expect(redelivered).toHaveLength(1);
  });

  it('still reports the early delivery for a retry when it cannot shorten the wait', async () => {
    const { sim, due } = await level0Case();
    const handler = createHandler(sim.deps, {
      redeliverIn: async () => {
        throw new Error('throttled');
      },
    });
    sim.clock.set(new Date(Date.parse(due.dueAt) - 60_000));
    const event: SQSEvent = { Records: [record(due), record(due, 'm-2')] };
    expect(await retried(handler(event, lambdaContext('timer', 'r-1', 30_000)))).toEqual(['m-1', 'm-2']);
    expect(warned).toEqual([
      'could not shorten an early timer’s wait',
      'could not shorten an early timer’s wait',
    ]);
  });

  it('drops a malformed message: no retry could fix it', async () => {
    const { sim } = await level0Case();
    const handler = createHandler(sim.deps);
    const event: SQSEvent = { Records: [record('{"nope":1}')] };
    expect(await retried(handler(event, lambdaContext('timer', 'r-1', 30_000)))).toEqual([]);
  });
});
