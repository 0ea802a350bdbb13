import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { type EventSourceMapping, type IEventSourceDlq, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CasewatchFunction } from './casewatch-function.ts';
import { endOfLineQueue, notEmptyAlarm } from './dead-letters.ts';
import { grantSecretValue, grantTableItems } from './grants.ts';
import { grantSentMailLedgerRelease, type MailSender } from './mail.ts';

/**
 * The only DynamoDB actions the workers call on the table. Firing a timer re-reads the case and writes it
 * back with its events in one transaction of conditional Puts (IAM authorizes TransactWriteItems per item,
 * so PutItem covers it); the stream reaction reads the case a mail is about and records each mail it
 * sends (conditional Put/Update, and `survey.sent` in a transaction of them). No Scan, ever.
 */
export const TIMER_TABLE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] as const;
export const STREAM_TABLE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] as const;

/** The schedule calls the reconciler makes (shared/adapters/scheduler/eventbridge-scheduler.ts). */
export const SCHEDULE_ACTIONS = [
  'scheduler:CreateSchedule',
  'scheduler:UpdateSchedule',
  'scheduler:DeleteSchedule',
] as const;

/** Firing a timer is a GetItem and one transaction: a few hundred ms; 30 s leaves room for retries. */
const TIMER_TIMEOUT = Duration.seconds(30);

export interface TimersProps {
  /** The case table; its stream drives timer reconciliation and notices. */
  readonly table: ITable;
  /** Outbound mail: sender, reply domain, configuration set, and the permission to send through them. */
  readonly mail: MailSender;
  /** HMAC key for reply addresses and survey links in customer mail. */
  readonly signingSecret: ISecret;
  /** Survey links in customer mail start with this (the API's base URL + `surveys/`). */
  readonly surveyBaseUrl: string;
  /** Leads' addresses, comma-separated; they get breaches and at-risk notices of unassigned cases. */
  readonly leadsEmail: string;
}

/**
 * SLA timers (docs/timers.md#in-aws-eventbridge-scheduler-and-sqs): the table's stream reconciles each case's
 * one-shot EventBridge Scheduler schedules (and sends internal notices); a schedule drops its timer on the
 * SQS timer queue, whose function fires it. Stateless: every schedule is derived from a case and is set again
 * by the case's next change.
 */
export class Timers extends Construct {
  public readonly scheduleGroup: ScheduleGroup;
  /** Where schedules deliver timers and the reconciler sends timers already due. */
  public readonly queue: Queue;
  /**
   * Timers that could not be fired (after `maxReceiveCount` receives) or delivered (Scheduler's retries
   * exhausted): both carry the timer payload, so one redrive to the timer queue replays either kind.
   */
  public readonly deadLetterQueue: Queue;
  /** The role Scheduler assumes to send to the timer queue (and its dead-letter queue). */
  public readonly schedulerRole: Role;
  /** Stream batches the reconciler gave up on (shard and sequence range, not the records). */
  public readonly streamFailureQueue: Queue;
  /** Reconciles timers and sends notices from the table's stream. */
  public readonly streamFunction: CasewatchFunction;
  public readonly streamMapping: EventSourceMapping;
  /** Fires timers from the timer queue. */
  public readonly timerFunction: CasewatchFunction;
  public readonly timerMapping: EventSourceMapping;
  /**
   * Every alarm here: each means a timer, or a change that sets timers, was not handled. They have no
   * actions yet; the observability construct adds its SNS topic to each.
   */
  public readonly alarms: Alarm[] = [];

  public constructor(scope: Construct, id: string, props: TimersProps) {
    super(scope, id);
    const stack = Stack.of(this);

    // Schedules are derived state, rebuilt from the table by each case's next change. Deleting the group
    // with the stack drops schedules that would target this stack's (deleted) queue anyway; retaining it
    // would leave them behind and block re-creating the stack, as the group name is fixed.
    this.scheduleGroup = new ScheduleGroup(this, 'ScheduleGroup', { removalPolicy: RemovalPolicy.DESTROY });
    const groupName = this.scheduleGroup.scheduleGroupName;

    // SQS-managed encryption: Scheduler and both functions use the queues without any KMS grant.
    this.deadLetterQueue = endOfLineQueue(
      this,
      'DeadLetterQueue',
      'This is the dead-letter queue of the timer queue and of every schedule; it is the end of the line, inspected and redriven to the timer queue by an operator, so it has no redrive target of its own.',
    );
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Lambda's guidance for SQS sources: at least six times the function timeout, so a message is not
      // received again while a throttled or retried invocation still holds it.
      visibilityTimeout: Duration.seconds(TIMER_TIMEOUT.toSeconds() * 6),
      // A timer failing five times is not transient (the table refuses it, or a bug): park it.
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 5 },
    });

    this.schedulerRole = new Role(this, 'SchedulerRole', {
      description: 'casewatch timers: EventBridge Scheduler delivers timer schedules to the timer queue',
      // Confused-deputy guard: only schedules of this account's timer group may use the role.
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': stack.account,
            'aws:SourceArn': this.scheduleGroup.scheduleGroupArn,
          },
        },
      }),
    });
    this.schedulerRole.addToPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['sqs:SendMessage'],
        // Scheduler sends through the execution role to the target and to the target's dead-letter queue.
        resources: [this.queue.queueArn, this.deadLetterQueue.queueArn],
      }),
    );

    this.streamFailureQueue = endOfLineQueue(
      this,
      'StreamFailureQueue',
      'The on-failure destination of the table stream mapping: it only receives records of stream batches given up on (shard and sequence range), has no consumer to fail, and is itself the dead-letter destination, alarmed when not empty.',
      ['AwsSolutions::AwsSolutions-SQS3'],
    );

    const stream = this.createStreamFunction(props, groupName);
    this.streamFunction = stream.fn;
    this.streamMapping = stream.mapping;
    this.timerFunction = new CasewatchFunction(this, 'Timer', {
      entry: 'functions/timer/handler.ts',
      description: 'casewatch timers: fires SLA timers from the timer queue (at risk, breach, auto-close)',
      timeout: TIMER_TIMEOUT,
      environment: { TABLE_NAME: props.table.tableName },
    });
    grantTableItems(this.timerFunction, props.table, TIMER_TABLE_ACTIONS);
    this.queue.grantConsumeMessages(this.timerFunction);
    this.timerMapping = this.timerFunction.addEventSourceMapping('TimerQueueSource', {
      eventSourceArn: this.queue.queueArn,
      batchSize: 10,
      // Timers fire when due: no batching window.
      reportBatchItemFailures: true,
      // Many timers can fall due together (e.g. at the 09:00 business-hours opening); the table is
      // on-demand, but a burst should not take the account's whole Lambda concurrency.
      maxConcurrency: 10,
    });
    Validations.of(this.timerMapping).acknowledge({
      id: 'Serverless::Serverless-LambdaEventSourceMappingDestination',
      reason:
        'SQS event source mappings take no on-failure destination: a timer that keeps failing is moved by the timer queue redrive policy (maxReceiveCount 5) to its dead-letter queue, which is alarmed.',
    });

    this.alarms.push(
      notEmptyAlarm(
        this,
        'DeadLetterAlarm',
        this.deadLetterQueue.metricApproximateNumberOfMessagesVisible(),
        'casewatch timers: a timer could not be fired or delivered and is parked in the timer dead-letter queue (its SLA deadline was not acted on). Inspect, fix, redrive to the timer queue.',
      ),
      notEmptyAlarm(
        this,
        'StreamFailureAlarm',
        this.streamFailureQueue.metricApproximateNumberOfMessagesVisible(),
        'casewatch timers: the stream reaction gave up on table changes; their timers may be missing or stale and their notices unsent. Replay the shard range named in the message.',
      ),
      notEmptyAlarm(
        this,
        'ScheduleDeliveryLostAlarm',
        this.scheduleGroup.metricFailedToBeSentToDLQ(),
        'casewatch timers: EventBridge Scheduler could neither deliver a timer nor park it in the dead-letter queue; that timer is lost.',
      ),
    );
  }

  private createStreamFunction(
    props: TimersProps,
    groupName: string,
  ): { fn: CasewatchFunction; mapping: EventSourceMapping } {
    const fn = new CasewatchFunction(this, 'CaseStream', {
      entry: 'functions/case-stream/handler.ts',
      description:
        'casewatch timers: reconciles SLA timers, sends customer mail and internal notices from the table stream',
      timeout: Duration.seconds(30),
      environment: {
        TABLE_NAME: props.table.tableName,
        TIMER_QUEUE_URL: this.queue.queueUrl,
        TIMER_QUEUE_ARN: this.queue.queueArn,
        TIMER_DLQ_ARN: this.deadLetterQueue.queueArn,
        SCHEDULE_GROUP: groupName,
        SCHEDULER_ROLE_ARN: this.schedulerRole.roleArn,
        SENDER_ADDRESS: props.mail.senderAddress,
        LEADS_EMAIL: props.leadsEmail,
        MAIL_DOMAIN: props.mail.mailDomain,
        SES_CONFIGURATION_SET: props.mail.configurationSetName,
        CASEWATCH_SECRET_ARN: props.signingSecret.secretArn,
        SURVEY_BASE_URL: props.surveyBaseUrl,
      },
    });
    grantTableItems(fn, props.table, STREAM_TABLE_ACTIONS);
    // A timer already due goes straight to the timer queue.
    fn.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['sqs:SendMessage'],
        resources: [this.queue.queueArn],
      }),
    );
    props.mail.grantSend(fn);
    // Each mail is claimed in the sent-mail ledger before it is sent, and released if the send fails.
    grantSentMailLedgerRelease(fn, props.table);
    grantSecretValue(fn, props.signingSecret);

    // Schedules are created per case at run time, so their names are only known as `<group>/*`. PassRole
    // goes with them: creating a schedule hands it the scheduler role.
    fn.addWildcardPolicy(
      'TimerSchedules',
      [
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: [...SCHEDULE_ACTIONS],
          resources: [this.scheduleArn('*')],
        }),
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['iam:PassRole'],
          resources: [this.schedulerRole.roleArn],
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

    // Stream reads, granted by hand rather than through DynamoEventSource: its ListStreams on `*` would land
    // in the default policy, where acknowledging it would also hide any later wildcard grant.
    fn.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
        resources: [this.tableStreamArn(props.table)],
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
      eventSourceArn: this.tableStreamArn(props.table),
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
    mapping.node.addDependency(this.scheduleGroup);
    return { fn, mapping };
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

  /** `arn:<partition>:scheduler:<region>:<account>:schedule/<group>/<name>`. */
  private scheduleArn(name: string): string {
    return Stack.of(this).formatArn({
      service: 'scheduler',
      resource: 'schedule',
      resourceName: `${this.scheduleGroup.scheduleGroupName}/${name}`,
    });
  }

  private tableStreamArn(table: ITable): string {
    if (table.tableStreamArn === undefined) throw new Error(`${table.node.path} has no stream`);
    return table.tableStreamArn;
  }
}
