import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  atExpression,
  createEventBridgeScheduler,
} from '../../../shared/adapters/scheduler/eventbridge-scheduler.ts';
import type { TimerPayload } from '../../../shared/ports/timer-scheduler.ts';

const scheduler = mockClient(SchedulerClient);
const sentNow: TimerPayload[] = [];
const adapter = createEventBridgeScheduler({
  client: new SchedulerClient({ region: 'us-east-1' }),
  clock: { now: () => new Date('2026-11-30T17:00:00.000Z') },
  groupName: 'casewatch-timers',
  queueArn: 'arn:aws:sqs:us-east-1:123456789012:timers',
  roleArn: 'arn:aws:iam::123456789012:role/scheduler',
  deadLetterQueueArn: 'arn:aws:sqs:us-east-1:123456789012:timers-dlq',
  sendNow: async (p) => void sentNow.push(p),
});
const timer = {
  kind: 'first-response' as const,
  dueAt: '2026-11-30T18:00:00.250Z',
  window: '2026-11-30T17:00:00.000Z',
};
const ID = '01JD0000000000000000000000';

beforeEach(() => {
  scheduler.reset();
  sentNow.length = 0;
});

describe('EventBridge Scheduler adapter', () => {
  it('creates a one-shot at() schedule in UTC that deletes itself and targets the timer queue', async () => {
    scheduler.on(CreateScheduleCommand).resolves({});
    await adapter.set(ID, timer);
    const calls = scheduler.commandCalls(CreateScheduleCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      Name: `cw-${ID}-first-response`,
      GroupName: 'casewatch-timers',
      ScheduleExpression: 'at(2026-11-30T18:00:01)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      State: 'ENABLED',
      Target: {
        Arn: 'arn:aws:sqs:us-east-1:123456789012:timers',
        RoleArn: 'arn:aws:iam::123456789012:role/scheduler',
        Input: JSON.stringify({
          caseId: ID,
          kind: 'first-response',
          window: timer.window,
          dueAt: timer.dueAt,
        }),
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 },
        DeadLetterConfig: { Arn: 'arn:aws:sqs:us-east-1:123456789012:timers-dlq' },
      },
    });
  });

  it('moves an existing schedule: ConflictException on create becomes an update with the same input', async () => {
    scheduler
      .on(CreateScheduleCommand)
      .rejects(new ConflictException({ message: 'exists', Message: 'exists', $metadata: {} }));
    scheduler.on(UpdateScheduleCommand).resolves({});
    await adapter.set(ID, timer);
    const update = scheduler.commandCalls(UpdateScheduleCommand)[0]?.args[0].input;
    expect(update?.Name).toBe(`cw-${ID}-first-response`);
    expect(update?.ScheduleExpression).toBe('at(2026-11-30T18:00:01)');
  });

  it('cancelling a timer that already ran (and deleted itself) is fine; other errors are not', async () => {
    scheduler
      .on(DeleteScheduleCommand)
      .rejects(new ResourceNotFoundException({ message: 'gone', Message: 'gone', $metadata: {} }));
    await expect(adapter.cancel(ID, 'auto-close')).resolves.toBeUndefined();
    scheduler.on(DeleteScheduleCommand).rejects(new Error('throttled'));
    await expect(adapter.cancel(ID, 'auto-close')).rejects.toThrow('throttled');
  });

  it('a timer already due is sent to the queue at once instead of scheduled in the past', async () => {
    scheduler.on(DeleteScheduleCommand).resolves({});
    await adapter.set(ID, { ...timer, dueAt: '2026-11-30T16:00:00.000Z' });
    expect(scheduler.commandCalls(CreateScheduleCommand)).toHaveLength(0);
    expect(sentNow).toEqual([
      { caseId: ID, kind: 'first-response', window: timer.window, dueAt: '2026-11-30T16:00:00.000Z' },
    ]);
  });

  it('at() never rounds a timer earlier', () => {
    expect(atExpression('2026-11-30T18:00:00.000Z')).toBe('at(2026-11-30T18:00:00)');
    expect(atExpression('2026-11-30T18:00:00.001Z')).toBe('at(2026-11-30T18:00:01)');
  });
});
