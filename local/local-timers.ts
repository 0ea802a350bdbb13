import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  createMailNotifier,
  firstTimeOver,
  type SentMailLedger,
} from '../shared/adapters/email/mail-notifier.ts';
import { createSesMailer } from '../shared/adapters/email/mailer.ts';
import { createLocalScheduler, type DeadTimer } from '../shared/adapters/local-scheduler/local-scheduler.ts';
import {
  createStreamCheckpoints,
  type DeadStreamRecord,
} from '../shared/adapters/local-scheduler/stream-checkpoints.ts';
import {
  createTimersTable,
  LOCAL_TIMERS_TABLE_SUFFIX,
} from '../shared/adapters/local-scheduler/timers-table.ts';
import type { CoreDeps } from '../shared/app/deps.ts';
import type { TimerKind } from '../shared/domain/timers.ts';
import type { SurveyTokens } from '../shared/ports/inbound-mail.ts';
import type { RecordMetric } from '../shared/ports/metrics.ts';
import { ManualClock } from './clock.ts';
import { LOCAL_CLIENT_CONFIG } from './dynamodb-local.ts';
import { createStreamPoller } from './stream-poller.ts';
import { createTimerLoop, type FiredTimer, watchFireOutcomes } from './timer-loop.ts';

export interface LocalTimersOptions {
  client: DynamoDBClient;
  documents: DynamoDBDocumentClient;
  dynamodbEndpoint: string;
  /** aws-ses-v2-local's endpoint: SLA notices go there through the SES v2 API. */
  sesEndpoint: string;
  /** The case table; the scheduler's own table is named after it. */
  tableName: string;
  /** With a `ManualClock`, timers fire only when the clock is moved (`settle`); otherwise on time. */
  core: CoreDeps;
  /** The sent-mail ledger in the case table: mail and metrics of an event happen once. */
  ledger: SentMailLedger;
  /** Leads' addresses (SPEC §7 `LEADS_EMAIL`). */
  leads: string[];
  /** Every metric data point the stream reactions publish, besides their EMF line. */
  recordMetric?: RecordMetric;
  /** Outbound mail: sender, the domain of reply addresses and Message-IDs, its HMAC key, survey links. */
  mail: {
    from: string;
    domain: string;
    replyKey: Uint8Array;
    surveyTokens: SurveyTokens;
    surveyUrl: (token: string) => string;
  };
}

export interface PendingTimerView {
  name: string;
  caseId: string;
  kind: TimerKind;
  dueAt: string;
  window: string;
  attempts: number;
  inFlight: boolean;
  lastError: string | null;
}

export interface TimerListing {
  pending: PendingTimerView[];
  deadLetters: DeadTimer[];
  streamDeadLetters: DeadStreamRecord[];
}

export interface LocalTimers {
  /** Delivers every timer due by `until` (stepping a manual clock there) once the stream is drained. */
  settle(until: Date): Promise<FiredTimer[]>;
  /** Feeds the handlers everything now in the stream (in turn with the timer loop's other work). */
  drain(): Promise<void>;
  /** Pending timers in due order and the dead-letter lists, after draining the stream. */
  list(): Promise<TimerListing>;
  start(): void;
  stop(): Promise<void>;
}

/**
 * SPEC §4 on one machine: the case-stream and timer handlers Lambda runs, fed by a poller of DynamoDB
 * Local's stream and a durable scheduler in its own DynamoDB Local table, notices to the local SES.
 */
export async function createLocalTimers(options: LocalTimersOptions): Promise<LocalTimers> {
  const { client, documents, core, ledger } = options;
  const clock = core.clock;
  const mode = clock instanceof ManualClock ? 'manual' : 'system';
  const timersTable = `${options.tableName}${LOCAL_TIMERS_TABLE_SUFFIX}`;
  await createTimersTable(client, timersTable);

  let timersChanged = () => {};
  const scheduler = createLocalScheduler({
    client: documents,
    tableName: timersTable,
    onChange: () => timersChanged(),
  });
  const ses = new SESv2Client({ ...LOCAL_CLIENT_CONFIG, endpoint: options.sesEndpoint });
  const streams = new DynamoDBStreamsClient({ ...LOCAL_CLIENT_CONFIG, endpoint: options.dynamodbEndpoint });
  const checkpoints = createStreamCheckpoints({ client: documents, tableName: timersTable });
  const stream = createStreamPoller({
    client,
    streams,
    tableName: options.tableName,
    checkpoints,
    handler: (await import('../functions/case-stream/app.ts')).createHandler({
      store: core.store,
      policy: core.policy,
      ids: core.ids,
      surveyTokens: options.mail.surveyTokens,
      firstTime: firstTimeOver(ledger, core.clock),
      ...(options.recordMetric ? { recordMetric: options.recordMetric } : {}),
      scheduler,
      notifier: createMailNotifier({
        mailer: createSesMailer({ client: ses }),
        ledger,
        clock: core.clock,
        from: options.mail.from,
        mailDomain: options.mail.domain,
        replyKey: options.mail.replyKey,
        leads: options.leads,
        surveyUrl: options.mail.surveyUrl,
        onUndeliverable: (error, key) =>
          console.warn(`local SES refused mail ${key} for good: ${(error as Error).message}`),
      }),
    }),
  });
  const outcomes = watchFireOutcomes(core.store);
  const loop = createTimerLoop({
    scheduler,
    stream,
    clock,
    handler: (await import('../functions/timer/app.ts')).createHandler({ ...core, store: outcomes.store }),
    outcomes,
    mode,
    // On time with the system clock; with the manual clock only for what the stream does by itself
    // (reconciliation, mail): every clock move and timer listing drains the stream first anyway.
    pollMs: mode === 'system' ? 250 : 1_000,
    moveClock: clock instanceof ManualClock ? (at) => clock.set(at) : undefined,
  });
  timersChanged = () => loop.timersChanged();

  return {
    settle: (until) => loop.settle(until),
    drain: () => loop.drain(),
    async list() {
      await loop.drain();
      const [pending, deadLetters, streamDeadLetters] = await Promise.all([
        scheduler.pending(),
        scheduler.deadLetters(),
        checkpoints.deadLetters(),
      ]);
      const wall = Date.now();
      return {
        pending: pending.map((t) => ({
          name: t.name,
          caseId: t.caseId,
          kind: t.kind,
          dueAt: t.dueAt,
          window: t.window,
          attempts: t.attempts,
          inFlight: t.visibleAt > wall,
          lastError: t.lastError,
        })),
        deadLetters,
        streamDeadLetters,
      };
    },
    start: () => loop.start(),
    async stop() {
      await loop.stop();
      streams.destroy();
      ses.destroy();
    },
  };
}
