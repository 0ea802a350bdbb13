import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { SESClient } from '@aws-sdk/client-ses';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ReactionWiring } from '../functions/case-stream/reaction-deps.ts';
import { createSesMailer, type Mailer } from '../shared/adapters/email/mailer.ts';
import { LOCAL_CLIENT_CONFIG } from './dynamodb-local.ts';
import { createStreamCheckpoints, type StreamCheckpoints } from './stream-checkpoints.ts';
import { createStreamPoller, type StreamPoller } from './stream-poller.ts';

/** What the Lambda stream function is wired with, bar the mailer (the local SES), plus where to read. */
export interface LocalReactionsOptions
  extends Omit<ReactionWiring, 'mailer' | 'onConfirmFailed' | 'onUndeliverable'> {
  client: DynamoDBClient;
  documents: DynamoDBDocumentClient;
  dynamodbEndpoint: string;
  /** aws-ses-v2-local's endpoint: mail goes there through the SES API. */
  sesEndpoint: string;
  /** The case table, whose stream is read; checkpoints go to the local runtime's own table. */
  tableName: string;
  runtimeTable: string;
}

/**
 * A mail the local runtime sent, with what the SES emulator's inbox does not keep: its Message-ID and
 * SES message tags (`GET /_local/mail/sent`), so a bounce or complaint can be played against it.
 */
export interface SentMail {
  /** The id SES answered (the emulator's), as SES events name the mail. */
  providerMessageId: string | null;
  /** Our signed Message-ID. */
  messageId: string;
  to: string[];
  subject: string;
  tags: Record<string, string>;
}

export interface LocalReactions {
  /** The poller feeding the case-stream handler; the timer loop drains it in turn with its own work. */
  stream: StreamPoller;
  checkpoints: StreamCheckpoints;
  /** Every mail sent since start, oldest first. */
  sent(): SentMail[];
  stop(): void;
}

/**
 * What casewatch does after a write lands, on one machine: the case-stream handler Lambda runs
 * (timers reconciled, every mail, survey and metric), fed by a poller of DynamoDB Local's stream that
 * keeps its place in the local runtime's table, and sending through the local SES.
 */
export async function createLocalReactions(options: LocalReactionsOptions): Promise<LocalReactions> {
  const { client, documents, dynamodbEndpoint, sesEndpoint, tableName, runtimeTable, ...wiring } = options;
  const ses = new SESClient({ ...LOCAL_CLIENT_CONFIG, endpoint: sesEndpoint });
  const streams = new DynamoDBStreamsClient({ ...LOCAL_CLIENT_CONFIG, endpoint: dynamodbEndpoint });
  const checkpoints = createStreamCheckpoints({ client: documents, tableName: runtimeTable });
  const sesMailer = createSesMailer({ client: ses });
  const sent: SentMail[] = [];
  const mailer: Mailer = {
    async send(mail) {
      const answer = await sesMailer.send(mail);
      sent.push({
        providerMessageId: answer.providerMessageId,
        messageId: mail.messageId,
        to: typeof mail.to === 'string' ? [mail.to] : [...mail.to],
        subject: mail.subject,
        tags: { ...mail.tags },
      });
      return answer;
    },
  };
  const { createHandler } = await import('../functions/case-stream/app.ts');
  const { createReactionDeps } = await import('../functions/case-stream/reaction-deps.ts');
  const stream = createStreamPoller({
    client,
    streams,
    tableName,
    checkpoints,
    handler: createHandler(
      createReactionDeps({
        ...wiring,
        mailer,
        onUndeliverable: (error, key) =>
          console.warn(`local SES refused mail ${key} for good: ${(error as Error).message}`),
      }),
    ),
  });
  return {
    stream,
    checkpoints,
    sent: () => [...sent],
    stop() {
      streams.destroy();
      ses.destroy();
    },
  };
}
