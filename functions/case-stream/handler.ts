import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SESClient } from '@aws-sdk/client-ses';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  createDynamoCorrespondents,
  createDynamoSuppressionList,
} from '../../shared/adapters/dynamodb/mail-addresses.ts';
import { createDynamoMailBudget } from '../../shared/adapters/dynamodb/mail-budget.ts';
import { createDynamoOnceLedger } from '../../shared/adapters/dynamodb/once-ledger.ts';
import { createSesMailer } from '../../shared/adapters/email/mailer.ts';
import { createEventBridgePublisher } from '../../shared/adapters/eventbridge/event-publisher.ts';
import { logger } from '../../shared/adapters/powertools/observability.ts';
import { createEventBridgeScheduler } from '../../shared/adapters/scheduler/eventbridge-scheduler.ts';
import { addressList } from '../../shared/domain/email/addressing.ts';
import { awsCoreDeps, documents, env, signingSecret } from '../aws-composition.ts';
import { createHandler } from './app.ts';
import { createReactionDeps } from './reaction-deps.ts';

const secret = await signingSecret();
const core = awsCoreDeps();
const sqs = new SQSClient({});
const queueUrl = env('TIMER_QUEUE_URL');
const table = { client: documents, tableName: env('TABLE_NAME') };

/** Lambda entry for the table's stream: timers through EventBridge Scheduler, mail through SES. */
export const handler = createHandler(
  createReactionDeps({
    core,
    secret,
    // One ledger for both: metrics published once per event, and mail sent once per event and kind.
    once: createDynamoOnceLedger(table),
    correspondents: createDynamoCorrespondents(table),
    suppressions: createDynamoSuppressionList(table),
    budget: createDynamoMailBudget(table),
    onSuppressed: (suppressed) => logger.warn('mail not sent', { ...suppressed }),
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
    mailer: createSesMailer({
      client: new SESClient({}),
      configurationSetName: process.env.SES_CONFIGURATION_SET || undefined,
    }),
    senderAddress: env('SENDER_ADDRESS'),
    mailDomain: env('MAIL_DOMAIN'),
    leads: addressList(process.env.LEADS_EMAIL ?? ''),
    portalUrl: env('PORTAL_URL'),
    events: createEventBridgePublisher({ client: new EventBridgeClient({}), busName: env('EVENT_BUS_NAME') }),
    onConfirmFailed: (error, key) => logger.error('mail sent but not recorded', { key, error }),
    onUndeliverable: (error, key) =>
      logger.error('mail refused by SES for good; not retried', { key, error }),
  }),
);
