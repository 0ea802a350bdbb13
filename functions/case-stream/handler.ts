import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createDynamoSentMailLedger } from '../../shared/adapters/dynamodb/sent-mail-ledger.ts';
import { addressList, createMailNotifier, firstTimeOver } from '../../shared/adapters/email/mail-notifier.ts';
import { createSesMailer } from '../../shared/adapters/email/mailer.ts';
import { logger } from '../../shared/adapters/powertools/observability.ts';
import { createEventBridgeScheduler } from '../../shared/adapters/scheduler/eventbridge-scheduler.ts';
import { deriveKey } from '../../shared/adapters/secret-keys.ts';
import { awsCoreDeps, awsSurveyTokens, documents, env, signingSecret } from '../aws-composition.ts';
import { createHandler } from './app.ts';

const core = awsCoreDeps();
const secret = await signingSecret();
const sqs = new SQSClient({});
const queueUrl = env('TIMER_QUEUE_URL');
const surveyBaseUrl = env('SURVEY_BASE_URL');
/** One ledger for both: metrics published once per event, and mail sent once per event and kind. */
const ledger = createDynamoSentMailLedger({ client: documents, tableName: env('TABLE_NAME') });

/** Lambda entry for the table's stream: timers through EventBridge Scheduler, mail through SES. */
export const handler = createHandler({
  store: core.store,
  policy: core.policy,
  ids: core.ids,
  surveyTokens: awsSurveyTokens(secret, core.clock),
  firstTime: firstTimeOver(ledger, core.clock),
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
  notifier: createMailNotifier({
    mailer: createSesMailer({
      client: new SESv2Client({}),
      configurationSetName: process.env.SES_CONFIGURATION_SET || undefined,
    }),
    ledger,
    clock: core.clock,
    from: env('SENDER_ADDRESS'),
    mailDomain: env('MAIL_DOMAIN'),
    replyKey: deriveKey(secret, 'reply-address'),
    leads: addressList(process.env.LEADS_EMAIL ?? ''),
    surveyUrl: (token) => `${surveyBaseUrl}${encodeURIComponent(token)}`,
    onConfirmFailed: (error, key) => logger.error('mail sent but not recorded', { key, error }),
    onUndeliverable: (error, key) =>
      logger.error('mail refused by SES for good; not retried', { key, error }),
  }),
});
