import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { SESClient } from '@aws-sdk/client-ses';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ReactionWiring } from '../functions/case-stream/reaction-deps.ts';
import { createSesMailer } from '../shared/adapters/email/mailer.ts';
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

export interface LocalReactions {
  /** The poller feeding the case-stream handler; the timer loop drains it in turn with its own work. */
  stream: StreamPoller;
  checkpoints: StreamCheckpoints;
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
        mailer: createSesMailer({ client: ses }),
        onUndeliverable: (error, key) =>
          console.warn(`local SES refused mail ${key} for good: ${(error as Error).message}`),
      }),
    ),
  });
  return {
    stream,
    checkpoints,
    stop() {
      streams.destroy();
      ses.destroy();
    },
  };
}
