import { SESClient } from '@aws-sdk/client-ses';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createSesMailer } from '../../shared/adapters/email/mailer.ts';
import { createSqsDeliveryQueue } from '../../shared/adapters/sqs/webhook-queue.ts';
import { systemClock } from '../../shared/adapters/system-clock.ts';
import { addressList } from '../../shared/domain/email/addressing.ts';
import { documents, env, signingSecret } from '../aws-composition.ts';
import { createDeliveryDeps } from '../webhook-composition.ts';
import { createHandler } from './app.ts';

/** Lambda entry for the webhook queue: HTTPS only, public addresses only, retries through SQS. */
export const handler = createHandler(
  createDeliveryDeps({
    documents,
    tableName: env('TABLE_NAME'),
    secret: await signingSecret(),
    clock: systemClock,
    urlPolicy: { allowLoopbackHttp: false },
    queue: createSqsDeliveryQueue({
      client: new SQSClient({}),
      queueUrl: env('WEBHOOK_QUEUE_URL'),
      deadLetterUrl: env('WEBHOOK_DLQ_URL'),
    }),
    mailer: createSesMailer({
      client: new SESClient({}),
      configurationSetName: process.env.SES_CONFIGURATION_SET || undefined,
    }),
    from: env('SENDER_ADDRESS'),
    mailDomain: env('MAIL_DOMAIN'),
    leads: addressList(process.env.LEADS_EMAIL ?? ''),
  }),
);
