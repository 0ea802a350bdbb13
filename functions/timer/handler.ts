import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import { awsCoreDeps, env } from '../aws-composition.ts';
import { createHandler } from './app.ts';

const sqs = new SQSClient({});
/** The timer queue's URL, as the stack gives it (right in every partition, unlike one built from the ARN). */
const queueUrl = env('TIMER_QUEUE_URL');

/**
 * Lambda entry for the SQS timer queue: the shared handler wired to AWS once per container. An early timer
 * is made visible again when it is due (the event source mapping's role may change a message's visibility).
 */
export const handler = createHandler(awsCoreDeps(), {
  redeliverIn: async (record, seconds) => {
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queueUrl,
        ReceiptHandle: record.receiptHandle,
        VisibilityTimeout: seconds,
      }),
    );
  },
});
