import { Duration, Stack } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { Effect, type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { type EventSourceMapping, type IEventSourceDlq, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import type { IScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue, Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CasewatchFunction } from './casewatch-function.ts';
import { endOfLineQueue, notEmptyAlarm } from './dead-letters.ts';
import { grantSecretValue, grantTableItems } from './grants.ts';
import { grantSentMailLedgerRelease, type MailSender } from './mail.ts';

/**
 * The only DynamoDB actions the stream function calls on the table: it reads the case a mail is about and
 * records each mail it sends (conditional Put/Update, and `survey.sent` in a transaction of them; IAM
 * authorizes TransactWriteItems per item). No Scan, ever.
 */
export const STREAM_TABLE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] as const;

/** The schedule calls the reconciler makes (shared/adapters/scheduler/eventbridge-scheduler.ts). */
export const SCHEDULE_ACTIONS = [
  'scheduler:CreateSchedule',
  'scheduler:UpdateSchedule',
  'scheduler:DeleteSchedule',
] as const;

/** What the timer reconciler needs from the timers construct: where schedules go, and how they get there. */
export interface TimerTargets {
  /** Schedules deliver timers here; timers already due are sent here directly. */
  readonly queue: IQueue;
  /** Each schedule's dead-letter queue. */
  readonly deadLetterQueue: IQueue;
  /** The group every schedule is created in. */
  readonly scheduleGroup: IScheduleGroup;
  /** The role each schedule is handed (PassRole) to deliver to the queue. */
  readonly schedulerRole: IRole;
}

/** Everything a change can set off: the table it comes from, timers, mail, what mail links to, events out. */
export interface ReactionsProps {
  /** The case table; its stream feeds the reactions. */
  readonly table: ITable;
  /** SLA timers: the reconciler sets each case's schedules from its changes. */
  readonly timers: TimerTargets;
  /** Outbound mail: sender, reply domain, configuration set, and the permission to send through them. */
  readonly mail: MailSender;
  /** HMAC key for reply addresses and survey links in customer mail. */
  readonly signingSecret: ISecret;
  /** The portal's address: every mail about a case links to its page there, and the survey mail to the survey. */
  readonly portalUrl: string;
  /** Leads' addresses, comma-separated; they get breaches and at-risk notices of unassigned cases. */
  readonly leadsEmail: string;
  /** Every timeline event is published here (the integrations construct's bus). */
  readonly eventBus: IEventBus;
}

/**
 * What casewatch does after a write lands: the table's stream feeds one function that publishes each
 * timeline event on the case event bus (docs/integrations.md), reconciles each case's SLA timers
 * (EventBridge Scheduler schedules, docs/timers.md) and sends every mail (customer mail, internal notices,
 * surveys, docs/mail.md) and metric the change calls for. Records it gives up on go to the
 * stream failure queue, which is alarmed. Stateless: every effect is derived from the case's change.
 */
export class Reactions extends Construct {
  /** Stream batches the function gave up on (shard and sequence range, not the records). */
  public readonly streamFailureQueue: Queue;
  /** Reconciles timers and sends mail, surveys and metrics from the table's stream. */
  public readonly streamFunction: CasewatchFunction;
  public readonly streamMapping: EventSourceMapping;
  /**
   * Every alarm here: each means a change was not reacted to. They have no actions yet; the observability
   * construct adds its SNS topic to each.
   */
  public readonly alarms: Alarm[] = [];

  public constructor(scope: Construct, id: string, props: ReactionsProps) {
    super(scope, id);
    const { timers } = props;

    this.streamFailureQueue = endOfLineQueue(
      this,
      'StreamFailureQueue',
      'The on-failure destination of the table stream mapping: it only receives records of stream batches given up on (shard and sequence range), has no consumer to fail, and is itself the dead-letter destination, alarmed when not empty.',
      ['AwsSolutions::AwsSolutions-SQS3'],
    );

    const fn = new CasewatchFunction(this, 'CaseStream', {
      entry: 'functions/case-stream/handler.ts',
      description:
        'casewatch reactions: publishes case events, reconciles SLA timers, sends customer mail, notices and surveys, records metrics, from the table stream',
      timeout: Duration.seconds(30),
      environment: {
        TABLE_NAME: props.table.tableName,
        TIMER_QUEUE_URL: timers.queue.queueUrl,
        TIMER_QUEUE_ARN: timers.queue.queueArn,
        TIMER_DLQ_ARN: timers.deadLetterQueue.queueArn,
        SCHEDULE_GROUP: timers.scheduleGroup.scheduleGroupName,
        SCHEDULER_ROLE_ARN: timers.schedulerRole.roleArn,
        SENDER_ADDRESS: props.mail.senderAddress,
        LEADS_EMAIL: props.leadsEmail,
        MAIL_DOMAIN: props.mail.mailDomain,
        SES_CONFIGURATION_SET: props.mail.configurationSetName,
        CASEWATCH_SECRET_ARN: props.signingSecret.secretArn,
        PORTAL_URL: props.portalUrl,
        EVENT_BUS_NAME: props.eventBus.eventBusName,
      },
    });
    this.streamFunction = fn;
    grantTableItems(fn, props.table, STREAM_TABLE_ACTIONS);
    // A timer already due goes straight to the timer queue.
    fn.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['sqs:SendMessage'],
        resources: [timers.queue.queueArn],
      }),
    );
    props.mail.grantSend(fn);
    // Each mail is claimed in the sent-mail ledger before it is sent, and released if the send fails.
    grantSentMailLedgerRelease(fn, props.table);
    grantSecretValue(fn, props.signingSecret);
    // Timeline events out: PutEvents on the case event bus only.
    props.eventBus.grantPutEventsTo(fn);
    this.grantTimerSchedules(fn, timers);
    this.streamMapping = this.readTableStream(fn, props.table, timers.scheduleGroup);

    this.alarms.push(
      notEmptyAlarm(
        this,
        'StreamFailureAlarm',
        this.streamFailureQueue.metricApproximateNumberOfMessagesVisible(),
        'casewatch reactions: the stream function gave up on table changes; their timers may be missing or stale and their mail, surveys and metrics unsent. Replay the shard range named in the message.',
      ),
    );
  }

  /**
   * Schedules are created per case at run time, so their names are only known as `<group>/*`. PassRole
   * goes with them: creating a schedule hands it the scheduler role.
   */
  private grantTimerSchedules(fn: CasewatchFunction, timers: TimerTargets): void {
    const groupName = timers.scheduleGroup.scheduleGroupName;
    fn.addWildcardPolicy(
      'TimerSchedules',
      [
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: [...SCHEDULE_ACTIONS],
          resources: [
            Stack.of(this).formatArn({
              service: 'scheduler',
              resource: 'schedule',
              resourceName: `${groupName}/*`,
            }),
          ],
        }),
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['iam:PassRole'],
          resources: [timers.schedulerRole.roleArn],
          conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
        }),
      ],
      [
        {
          resource: `arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/${groupName}/*`,
          reason:
            'Schedule names are derived per case at run time (cw-<caseId>-<kind>), so they cannot be listed; the grant is limited to create, update and delete, in the one casewatch timer group.',
        },
      ],
    );
  }

  /** The event source mapping from the table's stream, and the stream reads it needs. */
  private readTableStream(
    fn: CasewatchFunction,
    table: ITable,
    scheduleGroup: IScheduleGroup,
  ): EventSourceMapping {
    if (table.tableStreamArn === undefined) throw new Error(`${table.node.path} has no stream`);
    const streamArn = table.tableStreamArn;
    // Stream reads, granted by hand rather than through DynamoEventSource: its ListStreams on `*` would land
    // in the default policy, where acknowledging it would also hide any later wildcard grant.
    fn.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
        resources: [streamArn],
      }),
    );
    fn.addWildcardPolicy(
      'ListStreams',
      [new PolicyStatement({ effect: Effect.ALLOW, actions: ['dynamodb:ListStreams'], resources: ['*'] })],
      [
        {
          resource: '*',
          reason:
            'dynamodb:ListStreams supports no resource-level permissions (Resource must be *); the event source mapping uses it to find the stream, and it returns stream ARNs only, never data.',
        },
      ],
    );

    const mapping = fn.addEventSourceMapping('TableStreamSource', {
      eventSourceArn: streamArn,
      // TRIM_HORIZON: when the mapping is first created (or replaced) it starts from the oldest record the
      // stream still holds (24 h) instead of skipping the changes made meanwhile, which would leave those
      // cases without timers. Replays are harmless: schedule names are deterministic, a breach is
      // recorded once on the case, and each event's mail and metrics pass the sent-mail ledger once.
      startingPosition: StartingPosition.TRIM_HORIZON,
      batchSize: 10,
      // Records run in order, one at a time, and failures are reported per record; a batch that still
      // throws is halved until the bad record is alone.
      reportBatchItemFailures: true,
      bisectBatchOnError: true,
      // A record that keeps failing blocks its shard: give up on it after a bounded effort, well within
      // the stream's 24 h retention so the range named in the failure record can still be replayed.
      retryAttempts: 8,
      maxRecordAge: Duration.hours(6),
      onFailure: this.streamFailureDestination(),
    });
    // Records only flow once the group their schedules go into exists.
    mapping.node.addDependency(scheduleGroup);
    return mapping;
  }

  /**
   * The stream failure queue as on-failure destination, granting only what Lambda uses to write there
   * (`sqs:SendMessage`); the library's SqsDlq would add GetQueueAttributes and GetQueueUrl.
   */
  private streamFailureDestination(): IEventSourceDlq {
    const queueArn = this.streamFailureQueue.queueArn;
    return {
      bind: (_mapping, handler) => {
        handler.addToRolePolicy(
          new PolicyStatement({ effect: Effect.ALLOW, actions: ['sqs:SendMessage'], resources: [queueArn] }),
        );
        return { destination: queueArn };
      },
    };
  }
}
