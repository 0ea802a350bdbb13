import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { awsCoreDeps } from '../aws-composition.ts';
import { createHandler } from './app.ts';

const sqs = new SQSClient({});

/** The queue's URL from the record's `arn:aws:sqs:<region>:<account>:<name>`. */
function queueUrlOf(record: SQSRecord): string {
  const [, , , region, account, name] = record.eventSourceARN.split(':');
  return `https://sqs.${region}.amazonaws.com/${account}/${name}`;
}

/**
 * Lambda entry for the SQS timer queue: the shared handler wired to AWS once per container. An early timer
 * is made visible again when it is due (the event source mapping's role may change a message's visibility).
 */
export const handler = createHandler(awsCoreDeps(), {
  redeliverIn: async (record, seconds) => {
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queueUrlOf(record),
        ReceiptHandle: record.receiptHandle,
        VisibilityTimeout: seconds,
      }),
    );
  },
});
