import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createEventBridgeScheduler } from '../../shared/adapters/scheduler/eventbridge-scheduler.ts';
import { createPlainNotifier } from '../../shared/adapters/ses/plain-notifier.ts';
import { awsCoreDeps, env } from '../aws-composition.ts';
import { createHandler } from './app.ts';

const core = awsCoreDeps();
const sqs = new SQSClient({});
const queueUrl = env('TIMER_QUEUE_URL');

/** Lambda entry for the table's stream: timers through EventBridge Scheduler, notices through SES. */
export const handler = createHandler({
  store: core.store,
  policy: core.policy,
  scheduler: createEventBridgeScheduler({
    client: new SchedulerClient({}),
    clock: core.clock,
    groupName: env('SCHEDULE_GROUP'),
    queueArn: env('TIMER_QUEUE_ARN'),
    roleArn: env('SCHEDULER_ROLE_ARN'),
    deadLetterQueueArn: env('TIMER_DLQ_ARN'),
    sendNow: async (payload) => {
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(payload) }));
    },
  }),
  notifier: createPlainNotifier({
    client: new SESv2Client({}),
    from: env('SENDER_ADDRESS'),
    leads: (process.env.LEADS_EMAIL ?? '')
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean),
    configurationSetName: process.env.SES_CONFIGURATION_SET || undefined,
  }),
});
