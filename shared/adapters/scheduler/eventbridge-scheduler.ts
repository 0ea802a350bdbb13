import {
  ConflictException,
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  type SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import type { Clock } from '../../ports/clock.ts';
import { scheduleName, type TimerPayload, type TimerScheduler } from '../../ports/timer-scheduler.ts';

export interface EventBridgeSchedulerOptions {
  client: SchedulerClient;
  clock: Clock;
  groupName: string;
  /** The SQS timer queue every schedule targets, and the role Scheduler assumes to send to it. */
  queueArn: string;
  roleArn: string;
  deadLetterQueueArn: string;
  /** A timer already due is sent to the queue at once instead of scheduled (no `at()` in the past). */
  sendNow: (payload: TimerPayload) => Promise<void>;
}

/** `at()` takes whole seconds in the schedule's zone (UTC here); round up so a timer never fires early. */
export function atExpression(dueAt: string): string {
  const ms = Date.parse(dueAt);
  const seconds = new Date(Math.ceil(ms / 1000) * 1000).toISOString().slice(0, 19);
  return `at(${seconds})`;
}

/**
 * Timers as one-shot EventBridge Scheduler schedules (docs/timers.md#in-aws-eventbridge-scheduler-and-sqs):
 * `at()` in UTC, no flexible window, deleted after they run, delivered to the SQS timer queue with retries
 * and a dead-letter queue. Create-or-update and delete-if-present make every call safe to repeat.
 */
export function createEventBridgeScheduler(options: EventBridgeSchedulerOptions): TimerScheduler {
  const { client, clock, groupName } = options;
  return {
    async set(caseId, timer) {
      const payload: TimerPayload = { caseId, kind: timer.kind, window: timer.window, dueAt: timer.dueAt };
      if (Date.parse(timer.dueAt) <= clock.now().getTime()) {
        await this.cancel(caseId, timer.kind);
        await options.sendNow(payload);
        return;
      }
      const input: CreateScheduleCommandInput = {
        Name: scheduleName(caseId, timer.kind),
        GroupName: groupName,
        ScheduleExpression: atExpression(timer.dueAt),
        ScheduleExpressionTimezone: 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        ActionAfterCompletion: 'DELETE',
        State: 'ENABLED',
        Target: {
          Arn: options.queueArn,
          RoleArn: options.roleArn,
          Input: JSON.stringify(payload),
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 },
          DeadLetterConfig: { Arn: options.deadLetterQueueArn },
        },
      };
      try {
        await client.send(new CreateScheduleCommand(input));
      } catch (error) {
        if (!(error instanceof ConflictException)) throw error;
        await client.send(new UpdateScheduleCommand(input));
      }
    },
    async cancel(caseId, kind) {
      try {
        await client.send(
          new DeleteScheduleCommand({ Name: scheduleName(caseId, kind), GroupName: groupName }),
        );
      } catch (error) {
        if (!(error instanceof ResourceNotFoundException)) throw error;
      }
    },
  };
}
