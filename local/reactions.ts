import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { SESClient } from '@aws-sdk/client-ses';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createSesMailer } from '../shared/adapters/email/mailer.ts';
import type { CoreDeps } from '../shared/app/deps.ts';
import type { RecordMetric } from '../shared/ports/metrics.ts';
import type { OnceLedger } from '../shared/ports/once-ledger.ts';
import type { TimerScheduler } from '../shared/ports/timer-scheduler.ts';
import { LOCAL_CLIENT_CONFIG } from './dynamodb-local.ts';
import { createStreamCheckpoints, type StreamCheckpoints } from './stream-checkpoints.ts';
import { createStreamPoller, type StreamPoller } from './stream-poller.ts';

export interface LocalReactionsOptions {
  client: DynamoDBClient;
  documents: DynamoDBDocumentClient;
  dynamodbEndpoint: string;
  /** aws-ses-v2-local's endpoint: mail goes there through the SES API. */
  sesEndpoint: string;
  /** The case table, whose stream is read; checkpoints go to the local runtime's own table. */
  tableName: string;
  runtimeTable: string;
  core: CoreDeps;
  secret: string;
  /** Where reconciled timers go (the local scheduler). */
  scheduler: TimerScheduler;
  /** The at-most-once ledger in the case table: mail and metrics of an event happen once. */
  once: OnceLedger;
  senderAddress: string;
  mailDomain: string;
  /** Leads' addresses (`LEADS_EMAIL`). */
  leads: string[];
  surveyUrl: (token: string) => string;
  /** Every metric data point the reactions publish, besides their EMF line. */
  recordMetric?: RecordMetric;
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
  const ses = new SESClient({ ...LOCAL_CLIENT_CONFIG, endpoint: options.sesEndpoint });
  const streams = new DynamoDBStreamsClient({ ...LOCAL_CLIENT_CONFIG, endpoint: options.dynamodbEndpoint });
  const checkpoints = createStreamCheckpoints({ client: options.documents, tableName: options.runtimeTable });
  const { createHandler } = await import('../functions/case-stream/app.ts');
  const { createReactionDeps } = await import('../functions/case-stream/reaction-deps.ts');
  const stream = createStreamPoller({
    client: options.client,
    streams,
    tableName: options.tableName,
    checkpoints,
    handler: createHandler(
      createReactionDeps({
        core: options.core,
        secret: options.secret,
        once: options.once,
        scheduler: options.scheduler,
        mailer: createSesMailer({ client: ses }),
        senderAddress: options.senderAddress,
        mailDomain: options.mailDomain,
        leads: options.leads,
        surveyUrl: options.surveyUrl,
        ...(options.recordMetric ? { recordMetric: options.recordMetric } : {}),
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
