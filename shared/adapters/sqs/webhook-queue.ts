import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Delivery, DeliveryQueue } from '../../ports/webhooks.ts';

/** What the webhook queue carries besides the bus's own events: a retry of one delivery. */
export interface RetryMessage {
  kind: 'webhook-delivery';
  delivery: Delivery;
}

/**
 * Retries wait in the webhook queue itself (`DelaySeconds`, up to SQS's 15 minutes), beside the events
 * the bus's rule puts there; a delivery given up on goes to the dead-letter queue with its reason.
 */
export function createSqsDeliveryQueue(options: {
  client: SQSClient;
  queueUrl: string;
  deadLetterUrl: string;
}): DeliveryQueue {
  return {
    async retry(delivery, delaySeconds) {
      const message: RetryMessage = { kind: 'webhook-delivery', delivery };
      await options.client.send(
        new SendMessageCommand({
          QueueUrl: options.queueUrl,
          MessageBody: JSON.stringify(message),
          DelaySeconds: Math.min(900, Math.max(0, Math.round(delaySeconds))),
        }),
      );
    },
    async deadLetter(delivery, reason) {
      await options.client.send(
        new SendMessageCommand({
          QueueUrl: options.deadLetterUrl,
          MessageBody: JSON.stringify({ kind: 'webhook-delivery', delivery }),
          MessageAttributes: { reason: { DataType: 'String', StringValue: reason.slice(0, 1000) } },
        }),
      );
    },
  };
}
