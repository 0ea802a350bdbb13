import { SESClient } from '@aws-sdk/client-ses';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createDynamoWebhookStore } from '../../shared/adapters/dynamodb/webhook-store.ts';
import { addressList } from '../../shared/adapters/email/mail-notifier.ts';
import { createSesMailer } from '../../shared/adapters/email/mailer.ts';
import { createWebhookAlerts } from '../../shared/adapters/email/webhook-alerts.ts';
import { deriveKey } from '../../shared/adapters/secret-keys.ts';
import { createSqsDeliveryQueue } from '../../shared/adapters/sqs/webhook-queue.ts';
import { systemClock } from '../../shared/adapters/system-clock.ts';
import { createWebhookSecrets, signatureHeader } from '../../shared/adapters/webhooks/signing.ts';
import { createWebhookTransport } from '../../shared/adapters/webhooks/transport.ts';
import { DELIVERY_POLICY } from '../../shared/domain/webhook.ts';
import { documents, env, signingSecret } from '../aws-composition.ts';
import { createHandler } from './app.ts';

const secret = await signingSecret();
const sqs = new SQSClient({});

/** Lambda entry for the webhook queue: HTTPS only, public addresses only, retries through SQS. */
export const handler = createHandler({
  webhooks: createDynamoWebhookStore({ client: documents, tableName: env('TABLE_NAME') }),
  secrets: createWebhookSecrets(deriveKey(secret, 'webhook')),
  transport: createWebhookTransport({ allowLoopbackHttp: false }, DELIVERY_POLICY.timeoutMs),
  queue: createSqsDeliveryQueue({
    client: sqs,
    queueUrl: env('WEBHOOK_QUEUE_URL'),
    deadLetterUrl: env('WEBHOOK_DLQ_URL'),
  }),
  alerts: createWebhookAlerts({
    mailer: createSesMailer({
      client: new SESClient({}),
      configurationSetName: process.env.SES_CONFIGURATION_SET || undefined,
    }),
    clock: systemClock,
    from: env('SENDER_ADDRESS'),
    mailDomain: env('MAIL_DOMAIN'),
    leads: addressList(process.env.LEADS_EMAIL ?? ''),
  }),
  clock: systemClock,
  sign: signatureHeader,
});
